import EnlaceWeb
import Mustache

/// The desk's pages: Mustache templates (every `{{value}}` is HTML-escaped; nothing here uses
/// the unescaped form), plain HTML that works without JavaScript. They live in the binary, so
/// an installed `enlace` needs no resource folder; the stylesheet is `EnlaceWeb.Stylesheet`.
/// Every list table's cell carries its column's name (`data-label`): at phone width the
/// stylesheet shows each row as a card.
enum DeskTemplates {
    /// The library with every page; `head` and `foot` are the partials every page opens and
    /// closes with.
    static let library = WebPage.library(pages, of: "desk")

    static let pages: [(String, String)] = [
        ("head", head), ("foot", foot), ("signin", signin), ("conflicts", conflicts), ("conflict", conflict),
        ("record", record), ("nodes", nodes), ("audit", audit), ("report", report), ("error", error),
    ]

    static let head = """
        <!DOCTYPE html>
        <html lang="es">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Enlace, oficina central</title>
        <link rel="stylesheet" href="/oficina/estilo.css">
        </head>
        <body>
        <header>
        <p class="marca"><a href="/oficina/conflictos">Enlace · Oficina central</a></p>
        {{#session}}
        <nav aria-label="Secciones">
        <ul>
        <li><a href="/oficina/conflictos">Conflictos</a></li>
        <li><a href="/oficina/nodos">Equipos</a></li>
        <li><a href="/oficina/informe">Informe AVGM</a></li>
        {{#admin}}<li><a href="/oficina/bitacora">Bitácora</a></li>{{/admin}}
        </ul>
        <form method="post" action="/oficina/salir" class="salir">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span class="quien">{{user}} · {{roleName}}</span>
        <button type="submit">Salir</button>
        </form>
        </nav>
        {{/session}}
        </header>
        <main>
        <h1>{{title}}</h1>
        {{#notice}}<p class="aviso" role="status">{{notice}}</p>{{/notice}}
        {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}

        """

    static let foot = """
        </main>
        <footer><p>Enlace — expedientes de la Alerta de Violencia de Género contra las Mujeres, León, Guanajuato. Horario de León. Cada consulta queda en la bitácora.</p></footer>
        </body>
        </html>

        """

    static let signin = """
        {{> head}}
        <form method="post" action="/oficina/entrar" class="tarjeta">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="nombre">Nombre de usuaria o usuario</label>
        <input id="nombre" name="nombre" type="text" autocomplete="username" required value="{{name}}"></p>
        <p><label for="contrasena">Contraseña</label>
        <input id="contrasena" name="contrasena" type="password" autocomplete="current-password" required></p>
        <p><button type="submit">Entrar</button></p>
        </form>
        {{> foot}}
        """

    static let conflicts = """
        {{> head}}
        <section aria-labelledby="por-departamento">
        <h2 id="por-departamento">Conflictos abiertos, según el departamento donde se abrió el caso</h2>
        {{#any_counts}}
        <table class="lista">
        <thead><tr><th scope="col">Departamento</th><th scope="col" class="numero">Abiertos</th></tr></thead>
        <tbody>
        {{#counts}}<tr><td data-label="Departamento"><a href="/oficina/conflictos?estado=open&amp;departamento={{code}}">{{name}}</a></td><td data-label="Abiertos" class="numero">{{count}}</td></tr>{{/counts}}
        </tbody>
        </table>
        {{/any_counts}}
        {{^counts}}<p>No hay conflictos abiertos.</p>{{/counts}}
        </section>
        <form method="get" action="/oficina/conflictos" class="filtros" aria-label="Filtros">
        <p><label for="estado">Estado</label>
        <select id="estado" name="estado">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></p>
        <p><label for="departamento">Departamento del caso</label>
        <select id="departamento" name="departamento"><option value="">Todos</option>{{#departments}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/departments}}</select></p>
        <p><label for="tipo">Tipo</label>
        <select id="tipo" name="tipo">{{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}</select></p>
        <p><label for="campo">Dato</label>
        <select id="campo" name="campo"><option value="">Todos</option>{{#fields}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/fields}}</select></p>
        <p><label for="antiguedad">Abiertos desde hace más de (horas)</label>
        <input id="antiguedad" name="antiguedad" type="number" min="0" value="{{age}}"></p>
        <p><label for="orden">Orden</label>
        <select id="orden" name="orden">{{#orders}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/orders}}</select></p>
        <p><button type="submit">Filtrar</button></p>
        </form>
        <h2>{{countText}}</h2>
        {{#any_rows}}
        <table class="lista">
        <thead><tr><th scope="col">Dato</th><th scope="col">Caso o certificado</th><th scope="col">Departamentos</th><th scope="col">Desde</th><th scope="col" class="numero">Versiones</th><th scope="col">Estado</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td data-label="Dato"><a href="/oficina/conflictos/{{id}}">{{field}}</a></td><td data-label="Caso o certificado">{{record}}</td><td data-label="Departamentos">{{departments}}</td><td data-label="Desde"><time datetime="{{since}}">{{sinceText}}</time></td><td data-label="Versiones" class="numero">{{versions}}</td><td data-label="Estado">{{statusText}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{/any_rows}}
        {{^rows}}<p>Ningún conflicto coincide con el filtro.</p>{{/rows}}
        {{> foot}}
        """

    static let conflict = """
        {{> head}}
        <p class="contexto">{{recordName}}: <a href="{{recordLink}}">{{recordTitle}}</a> · estado del conflicto: {{statusName}}</p>
        <section aria-labelledby="que-paso">
        <h2 id="que-paso">Qué pasó</h2>
        <p>{{happened}}</p>
        <p>{{ruleText}}</p>
        {{^resolution}}<p>Mientras la oficina decide, las áreas ven: <strong>{{provisional}}</strong></p>{{/resolution}}
        </section>
        <section aria-labelledby="versiones">
        <h2 id="versiones">Las versiones</h2>
        <div class="versiones">
        {{#versions}}
        <article class="version">
        <h3>Versión {{number}}</h3>
        <p class="valor">{{value}}</p>
        <dl>
        <dt>Departamento</dt><dd>{{department}}</dd>
        <dt>Servidora o servidor público</dt><dd>{{author}}</dd>
        <dt>Momento</dt><dd><time datetime="{{at}}">{{atText}}</time></dd>
        </dl>
        <details><summary>Detalles técnicos</summary><p class="tecnico">Nodo <code>{{node}}</code> · asiento <code>{{entry}}</code> · reloj vectorial <code>{{clock}}</code></p></details>
        </article>
        {{/versions}}
        </div>
        </section>
        {{#resolution}}
        <section aria-labelledby="resolucion">
        <h2 id="resolucion">La decisión</h2>
        <p>Decidió {{by}} el <time datetime="{{at}}">{{atText}}</time>. Quedó: <strong>{{value}}</strong></p>
        {{#note}}<p>Nota: {{note}}</p>{{/note}}
        <h3>¿Ya la recibió cada departamento que tiene el caso?</h3>
        {{#any_holders}}
        <table class="lista">
        <thead><tr><th scope="col">Departamento</th><th scope="col">Ya tiene la decisión</th><th scope="col">Última conexión</th><th scope="col">Equipo</th></tr></thead>
        <tbody>{{#holders}}<tr><td data-label="Departamento">{{department}}</td><td data-label="Ya tiene la decisión">{{received}}</td><td data-label="Última conexión">{{lastContact}}</td><td data-label="Equipo" class="codigo">{{node}}</td></tr>{{/holders}}</tbody>
        </table>
        {{/any_holders}}
        {{^holders}}<p>Ningún departamento tiene este caso en su equipo.</p>{{/holders}}
        </section>
        {{/resolution}}
        {{#canResolve}}
        <section aria-labelledby="decidir">
        <h2 id="decidir">Decidir</h2>
        {{#formProblem}}<p class="error" role="alert">{{formProblem}}</p>{{/formProblem}}
        <form method="post" action="/oficina/conflictos/{{id}}/resolver">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <fieldset>
        <legend>¿Cuál se conserva?</legend>
        {{#versions}}<span class="opcion"><input type="radio" id="eleccion-{{number}}" name="eleccion" value="{{number}}" required{{#chosen}} checked{{/chosen}}> <label for="eleccion-{{number}}">La versión {{number}}, de {{departmentShort}}: «{{value}}»</label></span>{{/versions}}
        <span class="opcion"><input type="radio" id="eleccion-otro" name="eleccion" value="otro" required{{#otherChosen}} checked{{/otherChosen}}> <label for="eleccion-otro">Otro valor, escrito aquí:</label></span>
        {{#other.isText}}<p class="ayuda">Si las dos versiones cuentan algo cierto, puedes unir ambos textos aquí.</p>{{/other.isText}}
        {{#other}}
        {{#isChoice}}<label for="valor" class="etiqueta">{{fieldLabel}}</label><select id="valor" name="valor"><option value="">Elige…</option>{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/isChoice}}
        {{#isSet}}<p class="etiqueta">{{fieldLabel}}</p>{{#options}}<span class="opcion"><input type="checkbox" id="valor-{{value}}" name="valor" value="{{value}}"{{#selected}} checked{{/selected}}> <label for="valor-{{value}}">{{label}}</label></span>{{/options}}{{/isSet}}
        {{#isDate}}<label for="valor" class="etiqueta">{{fieldLabel}}</label><input id="valor" name="valor" type="date" value="{{text}}">{{/isDate}}
        {{#isNumber}}<label for="valor" class="etiqueta">{{fieldLabel}}</label><input id="valor" name="valor" type="number" value="{{text}}"{{#min}} min="{{min}}"{{/min}}{{#max}} max="{{max}}"{{/max}}>{{/isNumber}}
        {{#isText}}<label for="valor" class="etiqueta">{{fieldLabel}}</label><textarea id="valor" name="valor" rows="3" autocomplete="off">{{text}}</textarea>{{/isText}}
        {{/other}}
        </fieldset>
        <p><label for="nota">Nota para el expediente (obligatoria): por qué se decide así</label>
        <textarea id="nota" name="nota" rows="3" required autocomplete="off">{{note}}</textarea></p>
        <p><button type="submit">Guardar la decisión</button></p>
        </form>
        </section>
        {{/canResolve}}
        {{#readOnly}}<p>Tu rol ({{roleName}}) permite consultar los conflictos, no decidirlos.</p>{{/readOnly}}
        <details><summary>Detalles técnicos</summary><p class="tecnico">Conflicto <code>{{id}}</code> · dato <code>{{fieldPath}}</code> · regla <code>{{rule}}</code> · registro <code>{{recordID}}</code></p></details>
        {{> foot}}
        """

    static let record = """
        {{> head}}
        {{#erased}}<p class="destacado">Sus datos se cancelaron (derecho ARCO) el <time datetime="{{at}}">{{atText}}</time>, por {{by}}: {{reason}} ({{basis}}). Quedan solo el folio, el departamento de origen y las fechas.</p>{{/erased}}
        {{#noContact}}<p class="destacado">No contactarla: una llamada o una visita pueden alertar al agresor.</p>{{/noContact}}
        {{#openConflicts}}<p class="aviso">Hay {{openConflicts}} dato(s) en conflicto esperando a la oficina: aparecen marcados.</p>{{/openConflicts}}
        {{#sections}}
        <section aria-labelledby="{{anchor}}">
        <h2 id="{{anchor}}">{{title}}</h2>
        <dl class="campos">
        {{#fields}}<dt>{{label}}</dt><dd{{#inConflict}} class="en-conflicto"{{/inConflict}}>{{^any_links}}{{value}}{{/any_links}}{{#links}}<a href="{{href}}">{{folio}}</a> {{/links}}{{#conflictLink}} <a class="etiqueta-conflicto" href="{{conflictLink}}">en conflicto</a>{{/conflictLink}}<details><summary>Más información</summary>{{#help}}<p class="ayuda">{{help}}</p>{{/help}}{{#explanations}}<p class="ayuda">{{.}}</p>{{/explanations}}</details></dd>{{/fields}}
        </dl>
        </section>
        {{/sections}}
        {{#lead}}
        <section aria-labelledby="lider">
        <h2 id="lider">Departamento líder</h2>
        <p>Lleva el caso: <strong>{{current}}</strong>{{#disputed}} (en disputa: solo la oficina decide){{/disputed}}.</p>
        <p class="ayuda">Pueden nombrar al departamento líder: la oficina central, el líder actual o, si aún no hay líder, el departamento de origen. Con «Ubicación restringida», solo el líder ve su ubicación.</p>
        {{#any_namings}}
        <h3>Nombramientos retenidos</h3>
        <p>Estos departamentos se nombraron líderes sin poder hacerlo; no cambiaron quién tiene el caso ni quién lee su ubicación.</p>
        <ul>{{#namings}}<li>{{department}} nombró a <strong>{{leadName}}</strong>{{#author}} ({{author}}){{/author}} el <time datetime="{{at}}">{{atText}}</time>.
        {{#canResolve}}<form method="post" action="{{action}}" class="en-linea"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="departamento" value="{{lead}}"><input type="hidden" name="nota" value="Nombramiento aceptado por la oficina central."><button type="submit">Aceptar: nombrar a {{leadName}}</button></form>{{/canResolve}}</li>{{/namings}}</ul>
        {{/any_namings}}
        {{#canResolve}}
        <form method="post" action="{{action}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="departamento">Nombrar departamento líder</label>
        <select id="departamento" name="departamento">{{#departments}}<option value="{{code}}">{{name}}</option>{{/departments}}</select></p>
        <p><label for="nota-lider">Nota (obligatoria)</label><textarea id="nota-lider" name="nota" rows="2" required autocomplete="off"></textarea></p>
        <p><button type="submit">Nombrar</button></p>
        </form>
        {{/canResolve}}
        </section>
        {{/lead}}
        {{#isCase}}
        <section aria-labelledby="atenciones">
        <h2 id="atenciones">Atenciones</h2>
        {{#any_attentions}}<ol class="historia">{{#attentions}}<li><time datetime="{{at}}">{{atText}}</time> — <strong>{{kind}}</strong>{{#corrects}} (corrige una atención anterior){{/corrects}}, {{department}}{{#servant}} ({{servant}}){{/servant}}{{#certified}}, con certificación {{certified}}{{/certified}}{{#note}}: {{note}}{{/note}}</li>{{/attentions}}</ol>{{/any_attentions}}
        {{^attentions}}<p>Sin atenciones.</p>{{/attentions}}
        </section>
        <section aria-labelledby="canalizaciones">
        <h2 id="canalizaciones">Canalizaciones</h2>
        {{#any_referrals}}<ol class="historia">{{#referrals}}<li><time datetime="{{at}}">{{atText}}</time> — de {{from}} a <strong>{{to}}</strong>{{#urgency}}, urgencia {{urgency}}{{/urgency}}: {{state}}{{#reason}}. Motivo: {{reason}}{{/reason}}{{#answer}}. Respuesta: {{answer}}{{/answer}}</li>{{/referrals}}</ol>{{/any_referrals}}
        {{^referrals}}<p>Sin canalizaciones.</p>{{/referrals}}
        </section>
        {{/isCase}}
        <section aria-labelledby="historia">
        <h2 id="historia">Historia</h2>
        <ol class="historia">{{#entries}}<li><time datetime="{{at}}">{{atText}}</time> — {{sentence}}{{#note}} Nota: {{note}}{{/note}}</li>{{/entries}}</ol>
        <details><summary>Detalles técnicos</summary><p class="tecnico">Registro <code>{{recordID}}</code>{{#entryIDs}} · <code>{{.}}</code>{{/entryIDs}}</p></details>
        </section>
        {{> foot}}
        """

    static let nodes = """
        {{> head}}
        {{#silentCount}}<p class="error" role="alert">{{silentText}} Sus casos nuevos no llegan a las demás áreas: revisa su conexión o avisa a sistemas.</p>{{/silentCount}}
        <p>Cada departamento trabaja en un equipo que se conecta con la oficina central. Un equipo aparece <span class="silencioso">sin conectarse</span> cuando pasa más de {{silentAfter}} sin comunicarse.</p>
        <table class="lista">
        <thead><tr><th scope="col">Estado</th><th scope="col">Departamento</th><th scope="col">Última conexión</th><th scope="col" class="numero">Cambios por recibir</th><th scope="col">Hora del equipo</th><th scope="col" class="numero">Cambios retenidos</th><th scope="col">Equipo</th><th scope="col">Versión del programa</th></tr></thead>
        <tbody>{{#nodes}}<tr><td data-label="Estado">{{#silent}}<span class="silencioso">{{state}}</span>{{/silent}}{{^silent}}{{state}}{{/silent}}</td><td data-label="Departamento">{{department}}</td><td data-label="Última conexión">{{lastContact}}</td><td data-label="Cambios por recibir" class="numero">{{behind}}</td><td data-label="Hora del equipo" class="sin-corte">{{clock}}</td><td data-label="Cambios retenidos" class="numero">{{quarantined}}</td><td data-label="Equipo" class="codigo">{{node}}</td><td data-label="Versión del programa">{{version}}</td></tr>{{/nodes}}</tbody>
        </table>
        <p class="ayuda">«Cambios por recibir»: lo que las demás áreas anotaron y ese equipo aún no tiene. «Cambios retenidos»: lo que ese equipo envió y la oficina central guarda sin aplicar (por ejemplo, anotado con la hora del equipo muy adelantada); en total {{quarantinedTotal}}.</p>
        {{> foot}}
        """

    static let audit = """
        {{> head}}
        <p class="{{chainClass}}">{{chain}}</p>
        <form method="get" action="/oficina/bitacora" class="filtros" aria-label="Filtros">
        <p><label for="persona">Persona</label><input id="persona" name="persona" type="text" value="{{actor}}" autocomplete="off"></p>
        <p><label for="accion">Acción</label><select id="accion" name="accion"><option value="">Todas</option>{{#actions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/actions}}</select></p>
        <p><label for="desde">Desde</label><input id="desde" name="desde" type="date" value="{{from}}"></p>
        <p><label for="hasta">Hasta</label><input id="hasta" name="hasta" type="date" value="{{until}}"></p>
        <p><button type="submit">Filtrar</button></p>
        </form>
        {{#any_rows}}
        <table class="lista compacta">
        <thead><tr><th scope="col">Momento</th><th scope="col">Quién</th><th scope="col">Qué hizo</th><th scope="col">Sobre qué</th></tr></thead>
        <tbody>{{#rows}}<tr><td data-label="Momento" class="sin-corte"><time datetime="{{at}}">{{atText}}</time></td><td data-label="Quién">{{actor}}</td><td data-label="Qué hizo">{{action}}</td><td data-label="Sobre qué">{{subject}}</td></tr>{{/rows}}</tbody>
        </table>
        {{/any_rows}}
        {{^rows}}<p>Ninguna fila coincide con el filtro.</p>{{/rows}}
        {{#older}}<p class="paginas"><a href="{{older}}">Ver filas más antiguas</a></p>{{/older}}
        {{> foot}}
        """

    static let report = """
        {{> head}}
        <form method="get" action="/oficina/informe" class="filtros" aria-label="Periodo">
        <p><label for="desde">Desde</label><input id="desde" name="desde" type="date" value="{{from}}" required></p>
        <p><label for="hasta">Hasta</label><input id="hasta" name="hasta" type="date" value="{{until}}" required></p>
        <p><button type="submit">Ver el periodo</button></p>
        </form>
        <p>Periodo del {{fromText}} al {{untilText}}. Generado el {{generated}} por {{user}}.</p>
        <section aria-labelledby="certificadas">
        <h2 id="certificadas">Personal certificado vigente al {{untilText}}</h2>
        <p><a href="{{csvCertified}}">Descargar esta tabla (CSV para Excel)</a></p>
        {{#any_certified}}
        <table class="lista">
        <thead><tr><th scope="col">Departamento</th>{{#standards}}<th scope="col" class="numero"><abbr title="{{name}}">{{code}}</abbr></th>{{/standards}}</tr></thead>
        <tbody>{{#certified}}<tr><td data-label="Departamento">{{department}}</td>{{#counts}}<td data-label="{{code}}" class="numero">{{count}}</td>{{/counts}}</tr>{{/certified}}</tbody>
        </table>
        {{/any_certified}}
        {{^certified}}<p>No hay certificaciones vigentes.</p>{{/certified}}
        <ul class="ayuda">{{#standards}}<li>{{name}}</li>{{/standards}}</ul>
        </section>
        <section aria-labelledby="por-vencer">
        <h2 id="por-vencer">Certificados que vencen en los 90 días siguientes</h2>
        <p><a href="{{csvExpiring}}">Descargar esta tabla (CSV para Excel)</a></p>
        {{#any_expiring}}
        <table class="lista">
        <thead><tr><th scope="col">Persona</th><th scope="col">Departamento</th><th scope="col">Estándar de competencia</th><th scope="col">Vence</th></tr></thead>
        <tbody>{{#expiring}}<tr><td data-label="Persona">{{holder}}</td><td data-label="Departamento">{{department}}</td><td data-label="Estándar de competencia">{{standard}}</td><td data-label="Vence">{{until}}</td></tr>{{/expiring}}</tbody>
        </table>
        {{/any_expiring}}
        {{^expiring}}<p>Ningún certificado vence en los 90 días siguientes.</p>{{/expiring}}
        </section>
        <section aria-labelledby="atencion-certificada">
        <h2 id="atencion-certificada">Atenciones del periodo dadas por personal certificado</h2>
        <p><a href="{{csvAttentions}}">Descargar esta tabla (CSV para Excel)</a></p>
        <table class="lista">
        <thead><tr><th scope="col">Departamento</th><th scope="col" class="numero">Atenciones</th><th scope="col" class="numero">Por personal certificado</th><th scope="col" class="numero">Proporción</th></tr></thead>
        <tbody>{{#attentions}}<tr><td data-label="Departamento">{{department}}</td><td data-label="Atenciones" class="numero">{{total}}</td><td data-label="Por personal certificado" class="numero">{{certified}}</td><td data-label="Proporción" class="numero">{{share}}</td></tr>{{/attentions}}</tbody>
        </table>
        {{^any_attentions}}<p>No hubo atenciones en el periodo.</p>{{/any_attentions}}
        </section>
        {{> foot}}
        """

    static let error = """
        {{> head}}
        <p>{{explanation}}</p>
        <p><a href="{{back}}">Volver</a></p>
        {{> foot}}
        """
}
