import Mustache

/// The desk's pages: Mustache templates (every `{{value}}` is HTML-escaped; nothing here uses
/// the unescaped form), plain HTML that works without JavaScript, and one small stylesheet.
/// They live in the binary, so an installed `enlace` needs no resource folder.
enum DeskTemplates {
    /// The library with every page; `head` and `foot` are the partials every page opens and
    /// closes with.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in pages {
            do { try library.register(text, named: name) } catch { preconditionFailure("desk template \(name): \(error)") }
        }
        return library
    }()

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
        <li><a href="/oficina/nodos">Nodos</a></li>
        <li><a href="/oficina/informe">Informe AVGM</a></li>
        {{#admin}}<li><a href="/oficina/bitacora">Bitácora</a></li>{{/admin}}
        </ul>
        <form method="post" action="/oficina/salir" class="salir">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Salir ({{user}}, {{roleName}})</button>
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
        <footer><p>Enlace — expedientes de la Alerta de Violencia de Género contra las Mujeres, León, Guanajuato. Cada consulta queda en la bitácora.</p></footer>
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
        <h2 id="por-departamento">Conflictos abiertos por departamento</h2>
        {{#any_counts}}
        <table>
        <thead><tr><th scope="col">Departamento</th><th scope="col">Abiertos</th></tr></thead>
        <tbody>
        {{#counts}}<tr><td><a href="/oficina/conflictos?estado=open&amp;departamento={{department}}">{{department}}</a></td><td>{{count}}</td></tr>{{/counts}}
        </tbody>
        </table>
        {{/any_counts}}
        {{^counts}}<p>No hay conflictos abiertos.</p>{{/counts}}
        </section>
        <form method="get" action="/oficina/conflictos" class="filtros" aria-label="Filtros">
        <p><label for="estado">Estado</label>
        <select id="estado" name="estado">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></p>
        <p><label for="departamento">Departamento</label>
        <select id="departamento" name="departamento"><option value="">Todos</option>{{#departments}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/departments}}</select></p>
        <p><label for="tipo">Tipo de registro</label>
        <select id="tipo" name="tipo">{{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}</select></p>
        <p><label for="campo">Campo (inicio de la ruta)</label>
        <input id="campo" name="campo" type="text" value="{{field}}"></p>
        <p><label for="antiguedad">Con al menos estas horas</label>
        <input id="antiguedad" name="antiguedad" type="number" min="0" value="{{age}}"></p>
        <p><label for="orden">Orden</label>
        <select id="orden" name="orden">{{#orders}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/orders}}</select></p>
        <p><button type="submit">Filtrar</button></p>
        </form>
        <h2>{{shown}} de {{matched}} conflictos</h2>
        {{#any_rows}}
        <table class="lista">
        <thead><tr><th scope="col">Campo</th><th scope="col">Registro</th><th scope="col">Departamento</th><th scope="col">Desde</th><th scope="col">Versiones</th><th scope="col">Estado</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td><a href="/oficina/conflictos/{{id}}">{{field}}</a></td><td>{{record}}</td><td>{{department}}</td><td><time datetime="{{since}}">{{sinceText}}</time></td><td>{{versions}}</td><td>{{statusName}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{/any_rows}}
        {{^rows}}<p>Ningún conflicto coincide con el filtro.</p>{{/rows}}
        {{> foot}}
        """

    static let conflict = """
        {{> head}}
        <p class="contexto">{{recordName}} <a href="{{recordLink}}">{{recordID}}</a>{{#folio}} · folio {{folio}}{{/folio}} · campo <code>{{field}}</code> · {{statusName}}</p>
        <section aria-labelledby="regla">
        <h2 id="regla">Por qué no se decidió solo</h2>
        <p>{{ruleText}}</p>
        {{^resolution}}<p>Mientras tanto se muestra: <strong>{{provisional}}</strong></p>{{/resolution}}
        </section>
        <section aria-labelledby="versiones">
        <h2 id="versiones">Versiones en competencia</h2>
        <div class="versiones">
        {{#versions}}
        <article class="version">
        <h3>Versión {{number}}</h3>
        <dl>
        <dt>Valor</dt><dd><strong>{{value}}</strong></dd>
        <dt>Departamento</dt><dd>{{department}}</dd>
        <dt>Nodo</dt><dd>{{node}}</dd>
        <dt>Servidora o servidor</dt><dd>{{author}}</dd>
        <dt>Momento</dt><dd><time datetime="{{at}}">{{atText}}</time></dd>
        <dt>Reloj vectorial</dt><dd><code>{{clock}}</code></dd>
        </dl>
        </article>
        {{/versions}}
        </div>
        </section>
        {{#resolution}}
        <section aria-labelledby="resolucion">
        <h2 id="resolucion">Resolución</h2>
        <p>Valor elegido: <strong>{{value}}</strong>, por {{by}} el <time datetime="{{at}}">{{atText}}</time>.</p>
        {{#note}}<p>Nota: {{note}}</p>{{/note}}
        <h3>Entrega a los nodos que tienen el registro</h3>
        {{#any_holders}}
        <table>
        <thead><tr><th scope="col">Nodo</th><th scope="col">Departamento</th><th scope="col">Recibió la decisión</th><th scope="col">Último contacto</th></tr></thead>
        <tbody>{{#holders}}<tr><td>{{node}}</td><td>{{department}}</td><td>{{received}}</td><td>{{lastContact}}</td></tr>{{/holders}}</tbody>
        </table>
        {{/any_holders}}
        {{^holders}}<p>Ningún nodo tiene este registro.</p>{{/holders}}
        </section>
        {{/resolution}}
        {{#canResolve}}
        <section aria-labelledby="resolver">
        <h2 id="resolver">Resolver</h2>
        <form method="post" action="/oficina/conflictos/{{id}}/resolver" class="tarjeta">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <fieldset>
        <legend>Valor que queda</legend>
        {{#versions}}
        <p><input type="radio" id="eleccion-{{number}}" name="eleccion" value="{{number}}"{{#first}} checked{{/first}}>
        <label for="eleccion-{{number}}">Conservar la versión {{number}}: {{value}}</label></p>
        {{/versions}}
        <p><input type="radio" id="eleccion-otro" name="eleccion" value="otro">
        <label for="eleccion-otro">Escribir otro valor</label></p>
        <p><label for="valor">Otro valor (JSON o texto)</label>
        <textarea id="valor" name="valor" rows="2"></textarea></p>
        </fieldset>
        <p><label for="nota">Nota (obligatoria): por qué se decide así</label>
        <textarea id="nota" name="nota" rows="3" required></textarea></p>
        <p><button type="submit">Resolver el conflicto</button></p>
        </form>
        </section>
        {{/canResolve}}
        {{#readOnly}}<p>Tu rol ({{roleName}}) puede consultar conflictos pero no resolverlos.</p>{{/readOnly}}
        {{> foot}}
        """

    static let record = """
        {{> head}}
        <section aria-labelledby="campos">
        <h2 id="campos">Campos y cómo se decidieron</h2>
        <table class="lista">
        <thead><tr><th scope="col">Campo</th><th scope="col">Valor</th><th scope="col">Regla</th><th scope="col">Explicación</th></tr></thead>
        <tbody>{{#fields}}<tr{{#inConflict}} class="en-conflicto"{{/inConflict}}><td><code>{{field}}</code></td><td>{{value}}</td><td>{{rule}}</td><td>{{explanation}}</td></tr>{{/fields}}</tbody>
        </table>
        </section>
        {{#lead}}
        <section aria-labelledby="lider">
        <h2 id="lider">Departamento líder</h2>
        <p>Lleva el caso: <strong>{{current}}</strong>{{#disputed}} (en disputa: solo la oficina decide){{/disputed}}.</p>
        <p>Solo el departamento de origen mientras no hay líder, el líder actual o la oficina central pueden nombrarlo. Si confidencialidad es «ubicación restringida», solo el líder lee dónde está ella.</p>
        {{#any_namings}}
        <h3>Nombramientos retenidos</h3>
        <p>Estos departamentos se nombraron líderes sin poder hacerlo; no cambiaron quién tiene el caso ni quién lee su ubicación.</p>
        <ul>{{#namings}}<li>{{department}} nombró a <strong>{{lead}}</strong>{{#author}} ({{author}}){{/author}} el <time datetime="{{at}}">{{atText}}</time>.
        {{#canResolve}}<form method="post" action="{{action}}" class="en-linea"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="departamento" value="{{lead}}"><input type="hidden" name="nota" value="Nombramiento de {{department}} aceptado por la oficina."><button type="submit">Aceptar: nombrar a {{lead}}</button></form>{{/canResolve}}</li>{{/namings}}</ul>
        {{/any_namings}}
        {{#canResolve}}
        <form method="post" action="{{action}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="departamento">Nombrar departamento líder</label>
        <select id="departamento" name="departamento">{{#departments}}<option value="{{code}}">{{code}}</option>{{/departments}}</select></p>
        <p><label for="nota-lider">Nota (obligatoria)</label><textarea id="nota-lider" name="nota" rows="2" required></textarea></p>
        <p><button type="submit">Nombrar</button></p>
        </form>
        {{/canResolve}}
        </section>
        {{/lead}}
        <section aria-labelledby="atenciones">
        <h2 id="atenciones">Atenciones</h2>
        {{#any_attentions}}<ol>{{#attentions}}<li><time datetime="{{at}}">{{atText}}</time> — {{kind}} en {{department}}{{#servant}} por {{servant}}{{/servant}}{{#note}}: {{note}}{{/note}}</li>{{/attentions}}</ol>{{/any_attentions}}
        {{^attentions}}<p>Sin atenciones.</p>{{/attentions}}
        </section>
        <section aria-labelledby="canalizaciones">
        <h2 id="canalizaciones">Canalizaciones</h2>
        {{#any_referrals}}<ol>{{#referrals}}<li><time datetime="{{at}}">{{atText}}</time> — de {{from}} a {{to}}: {{state}}{{#reason}} ({{reason}}){{/reason}}</li>{{/referrals}}</ol>{{/any_referrals}}
        {{^referrals}}<p>Sin canalizaciones.</p>{{/referrals}}
        </section>
        <section aria-labelledby="asientos">
        <h2 id="asientos">Asientos del diario</h2>
        <table class="lista">
        <thead><tr><th scope="col">Momento</th><th scope="col">Asiento</th><th scope="col">Autor</th><th scope="col">Campos</th></tr></thead>
        <tbody>{{#entries}}<tr><td><time datetime="{{at}}">{{atText}}</time></td><td><code>{{entry}}</code></td><td>{{author}}</td><td>{{fields}}</td></tr>{{/entries}}</tbody>
        </table>
        </section>
        {{> foot}}
        """

    static let nodes = """
        {{> head}}
        <table class="lista">
        <thead><tr><th scope="col">Nodo</th><th scope="col">Departamento</th><th scope="col">Último contacto</th><th scope="col">Posición confirmada</th><th scope="col">Desfase de reloj</th><th scope="col">Versión</th><th scope="col">En cuarentena</th><th scope="col">Estado</th></tr></thead>
        <tbody>{{#nodes}}<tr><td>{{node}}</td><td>{{department}}</td><td>{{lastContact}}</td><td>{{position}}</td><td>{{skew}}</td><td>{{version}}</td><td>{{quarantined}}</td><td>{{state}}</td></tr>{{/nodes}}</tbody>
        </table>
        <p>Asientos en cuarentena en la central, en total: {{quarantinedTotal}}. La posición confirmada es la del último asiento que el nodo ya tiene; el desfase de reloj, el de su última petición rechazada por la hora.</p>
        {{> foot}}
        """

    static let audit = """
        {{> head}}
        <p class="{{chainClass}}">{{chain}}</p>
        <table class="lista">
        <thead><tr><th scope="col">#</th><th scope="col">Momento</th><th scope="col">Quién</th><th scope="col">Acción</th><th scope="col">Sobre</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{position}}</td><td><time datetime="{{at}}">{{at}}</time></td><td>{{actor}}</td><td><code>{{action}}</code></td><td>{{subject}}</td></tr>{{/rows}}</tbody>
        </table>
        {{> foot}}
        """

    static let report = """
        {{> head}}
        <p><a href="/oficina/informe.csv">Descargar como CSV</a></p>
        <section aria-labelledby="certificadas">
        <h2 id="certificadas">Personal certificado vigente por departamento y estándar</h2>
        {{#any_certified}}
        <table class="lista">
        <thead><tr><th scope="col">Departamento</th><th scope="col">Estándar</th><th scope="col">Personas certificadas</th></tr></thead>
        <tbody>{{#certified}}<tr><td>{{department}}</td><td>{{standard}}</td><td>{{count}}</td></tr>{{/certified}}</tbody>
        </table>
        {{/any_certified}}
        {{^certified}}<p>No hay certificaciones vigentes.</p>{{/certified}}
        </section>
        <section aria-labelledby="por-vencer">
        <h2 id="por-vencer">Certificados que vencen en los próximos 90 días</h2>
        {{#any_expiring}}
        <table class="lista">
        <thead><tr><th scope="col">Persona</th><th scope="col">Departamento</th><th scope="col">Estándar</th><th scope="col">Vence</th></tr></thead>
        <tbody>{{#expiring}}<tr><td>{{holder}}</td><td>{{department}}</td><td>{{standard}}</td><td>{{until}}</td></tr>{{/expiring}}</tbody>
        </table>
        {{/any_expiring}}
        {{^expiring}}<p>Ningún certificado vence en los próximos 90 días.</p>{{/expiring}}
        </section>
        <section aria-labelledby="atencion-certificada">
        <h2 id="atencion-certificada">Atenciones dadas por personal certificado</h2>
        <table class="lista">
        <thead><tr><th scope="col">Departamento</th><th scope="col">Atenciones</th><th scope="col">Por personal certificado</th><th scope="col">Proporción</th></tr></thead>
        <tbody>{{#attentions}}<tr><td>{{department}}</td><td>{{total}}</td><td>{{certified}}</td><td>{{share}}</td></tr>{{/attentions}}</tbody>
        </table>
        </section>
        {{> foot}}
        """

    static let error = """
        {{> head}}
        <p>{{explanation}}</p>
        {{#detail}}<p class="detalle">Detalle técnico: {{detail}}</p>{{/detail}}
        <p><a href="{{back}}">Volver</a></p>
        {{> foot}}
        """

    static let stylesheet = """
        :root { --tinta: #1d1d2b; --morado: #5b2a86; --fondo: #faf8fc; --borde: #cfc6da; --alerta: #9b1c1c; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--tinta); background: var(--fondo); }
        header { background: var(--morado); color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; }
        header a { color: #fff; }
        .marca { margin: 0; font-weight: bold; }
        nav { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
        nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; margin: 0; padding: 0; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
        footer { max-width: 72rem; margin: 2rem auto; padding: 0 1rem; font-size: .85rem; color: #555; }
        table { border-collapse: collapse; margin: .5rem 0 1.5rem; display: block; overflow-x: auto; max-width: 100%; }
        th, td { border: 1px solid var(--borde); padding: .35rem .5rem; text-align: left; vertical-align: top; background: #fff; }
        .filtros { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; background: #fff; border: 1px solid var(--borde); padding: .5rem 1rem; }
        .filtros p { margin: .25rem 0; }
        label { display: block; font-weight: 600; }
        input, select, textarea, button { font: inherit; padding: .3rem .4rem; max-width: 100%; }
        textarea { width: 100%; }
        button { background: var(--morado); color: #fff; border: 0; border-radius: .25rem; padding: .4rem .9rem; cursor: pointer; }
        .salir button { background: #fff; color: var(--morado); }
        .tarjeta { background: #fff; border: 1px solid var(--borde); padding: 1rem; max-width: 40rem; }
        fieldset label { display: inline; font-weight: normal; }
        .versiones { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
        .version { background: #fff; border: 1px solid var(--borde); border-top: 4px solid var(--morado); padding: .5rem 1rem; }
        dt { font-weight: 600; } dd { margin: 0 0 .4rem; overflow-wrap: anywhere; }
        .aviso { background: #e7f5ea; border-left: 4px solid #2e7d32; padding: .5rem; }
        .error, .roto { background: #fdecec; border-left: 4px solid var(--alerta); padding: .5rem; }
        .integra { background: #e7f5ea; border-left: 4px solid #2e7d32; padding: .5rem; }
        .en-conflicto { background: #fff6e0; }
        .detalle { font-size: .9rem; color: #555; }
        code { overflow-wrap: anywhere; }
        """
}
