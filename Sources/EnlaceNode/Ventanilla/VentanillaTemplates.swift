import EnlaceWeb
import Mustache

/// The ventanilla's pages: Mustache templates (every `{{value}}` is HTML-escaped; nothing here
/// uses the unescaped form), plain HTML without scripts, in the binary. The stylesheet is the
/// desk's (`EnlaceWeb.Stylesheet`). A shared PC is assumed: every personal field has
/// `autocomplete="off"`, and a signed-in page goes back to the sign-in page by itself when its
/// session ends after 15 idle minutes, so no case stays on the screen.
enum VentanillaTemplates {
    static let library = WebPage.library(pages, of: "ventanilla")

    static let pages: [(String, String)] = [
        ("head", head), ("foot", foot), ("signin", signin), ("cases", cases), ("caselist", caselist), ("caserow", caserow), ("search", search),
        ("openform", openform), ("case", caseFile), ("inbox", inbox), ("referral", referral), ("error", error),
    ]

    static let head = """
        <!DOCTYPE html>
        <html lang="es">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#session}}<meta http-equiv="refresh" content="{{idleSeconds}}; url=/ventanilla/entrar?inactiva=1">{{/session}}
        <title>{{title}} · Ventanilla de Enlace</title>
        <link rel="stylesheet" href="/ventanilla/estilo.css">
        </head>
        <body>
        <header>
        <p class="marca"><a href="/ventanilla/casos">Enlace · Ventanilla de {{departmentShort}}</a></p>
        {{#session}}
        <nav aria-label="Secciones">
        <ul>
        <li><a href="/ventanilla/casos">Mis casos</a></li>
        <li><a href="/ventanilla/buscar">Buscar o abrir un caso</a></li>
        <li><a href="/ventanilla/canalizaciones">Canalizaciones recibidas</a></li>
        </ul>
        <form method="post" action="/ventanilla/salir" class="salir">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span class="quien">{{name}} · {{roleName}} · <span class="{{#certificateCurrent}}vigente{{/certificateCurrent}}{{^certificateCurrent}}no-vigente{{/certificateCurrent}}">{{certificate}}</span></span>
        <button type="submit">Salir</button>
        </form>
        </nav>
        {{/session}}
        </header>
        {{#sync}}
        <p class="sincronia {{#connected}}conectado{{/connected}}{{^connected}}desconectado{{/connected}}" role="status">
        <strong>{{state}}</strong> {{pending}} {{contact}}</p>
        {{/sync}}
        <main>
        <h1>{{title}}</h1>
        {{#session}}<p class="ayuda">Por seguridad, si no usas esta página la sesión se cierra sola a las {{endsAt}} (15 minutos). Al terminar, sal con «Salir».</p>{{/session}}
        {{#notice}}<p class="aviso" role="status">{{notice}}</p>{{/notice}}
        {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}

        """

    static let foot = """
        </main>
        <footer><p>Enlace — la ventanilla de {{department}}. Su caso la acompaña entre dependencias para que no tenga que volver a contar su historia. Las horas son de León.</p></footer>
        </body>
        </html>

        """

    static let signin = """
        {{> head}}
        <form method="post" action="/ventanilla/entrar" class="tarjeta" autocomplete="off">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="servidor">Tu número de persona servidora pública</label>
        <input id="servidor" name="servidor" type="text" autocomplete="off" required value="{{servantID}}"></p>
        <p><label for="contrasena">Contraseña</label>
        <input id="contrasena" name="contrasena" type="password" autocomplete="off" required></p>
        <p><button type="submit">Entrar</button></p>
        <p class="ayuda">Este equipo puede ser compartido: al terminar, sal con «Salir».</p>
        </form>
        {{> foot}}
        """

    static let caselist = """
        <table class="lista">
        <thead><tr><th scope="col">Folio</th><th scope="col">Nombre</th><th scope="col">Riesgo</th><th scope="col">Estado</th><th scope="col">Última actividad</th></tr></thead>
        <tbody>
        {{#cases}}{{> caserow}}{{/cases}}{{#results}}{{> caserow}}{{/results}}
        </tbody>
        </table>
        """

    static let caserow = """
        <tr><td data-label="Folio"><a href="{{link}}" class="sin-corte">{{folio}}</a></td>
        <td data-label="Nombre">{{name}}{{#noContact}} <span class="etiqueta-conflicto">No contactarla</span>{{/noContact}}{{#pending}} <span class="etiqueta-conflicto">Pendiente de la oficina</span>{{/pending}}</td>
        <td data-label="Riesgo">{{#highRisk}}<strong>{{risk}}</strong>{{/highRisk}}{{^highRisk}}{{risk}}{{/highRisk}}</td>
        <td data-label="Estado">{{status}}</td><td data-label="Última actividad">{{activity}}</td></tr>
        """

    static let cases = """
        {{> head}}
        <form method="post" action="/ventanilla/casos" class="filtros" autocomplete="off">
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        <p><label for="q">Buscar por folio o por nombre</label>
        <input id="q" name="q" type="search" autocomplete="off" value="{{query}}"></p>
        <p><button type="submit">Buscar</button></p>
        </form>
        <p>Los casos que tu departamento atiende, en este equipo: {{total}}. Primero los de actividad más reciente.</p>
        {{#summary}}<p>{{summary}}</p>{{/summary}}
        {{#any_cases}}{{> caselist}}{{/any_cases}}
        {{^any_cases}}<p>No hay casos que mostrar.</p>{{/any_cases}}
        {{#more}}<p class="ayuda">{{more}}</p>{{/more}}
        {{> foot}}
        """

    static let search = """
        {{> head}}
        {{^opening}}
        <p>Antes de abrir un caso, busca si ella ya tiene uno: así se le atiende en su expediente y no tiene que volver a contar su historia.</p>
        <form method="post" action="/ventanilla/buscar" class="filtros" autocomplete="off">
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        <p><label for="q">Folio, nombre o teléfono</label>
        <input id="q" name="q" type="search" autocomplete="off" required value="{{query}}"></p>
        <p><button type="submit">Buscar</button></p>
        </form>
        {{/opening}}
        {{#searched}}
        {{#found}}<p class="aviso" role="status">{{found}}</p>{{/found}}
        <p class="ayuda">Se buscó en los casos que atiende tu dependencia, los únicos que guarda este equipo; si otra dependencia la atiende, pídele que te la canalice.</p>
        {{#any_results}}
        <table class="lista">
        <thead><tr><th scope="col">Folio</th><th scope="col">Nombre</th><th scope="col">Riesgo</th><th scope="col">Estado</th><th scope="col">Última actividad</th><th scope="col">Un hecho nuevo</th></tr></thead>
        <tbody>
        {{#results}}
        <tr><td data-label="Folio"><a href="{{link}}" class="sin-corte">{{folio}}</a></td>
        <td data-label="Nombre">{{name}}{{#noContact}} <span class="etiqueta-conflicto">No contactarla</span>{{/noContact}}</td>
        <td data-label="Riesgo">{{risk}}</td><td data-label="Estado">{{status}}</td><td data-label="Última actividad">{{activity}}</td>
        <td data-label="Un hecho nuevo">{{#session.captura}}<form method="post" action="/ventanilla/buscar" class="en-linea"><input type="hidden" name="csrf" value="{{session.csrf}}"><input type="hidden" name="desde" value="{{id}}"><button type="submit">Abrir un caso nuevo con sus datos</button></form>{{/session.captura}}</td></tr>
        {{/results}}
        </tbody>
        </table>
        {{/any_results}}
        {{#session.captura}}{{#form}}{{> openform}}{{/form}}{{/session.captura}}
        {{^session.captura}}<p>Tu cuenta es de consulta: no puede abrir casos.</p>{{/session.captura}}
        {{/searched}}
        {{> foot}}
        """

    static let openform = """
        <h2 id="abrir">Abrir un caso nuevo</h2>
        <form method="post" action="/ventanilla/abrir" class="formulario" autocomplete="off" aria-labelledby="abrir">
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        {{#expediente}}<input type="hidden" name="expediente" value="{{expediente}}"><p class="aviso">Es un hecho nuevo de una mujer que ya tiene expediente: confirma con ella sus datos.</p>{{/expediente}}
        <fieldset><legend>Datos de ella</legend>
        <p><label for="nombre">Nombre completo</label><input id="nombre" name="nombre" type="text" autocomplete="off" value="{{nombre}}"></p>
        <p><label for="anio">Año de nacimiento</label><input id="anio" name="anio" type="number" min="1900" max="2100" autocomplete="off" value="{{anio}}"></p>
        <p><label for="telefono">Teléfono</label><input id="telefono" name="telefono" type="text" autocomplete="off" value="{{telefono}}"></p>
        <p><label for="domicilio">Domicilio</label><input id="domicilio" name="domicilio" type="text" autocomplete="off" value="{{domicilio}}"></p>
        <p><label for="colonia">Colonia</label><input id="colonia" name="colonia" type="text" autocomplete="off" value="{{colonia}}"></p>
        </fieldset>
        <fieldset><legend>Cómo contactarla sin ponerla en riesgo</legend>
        <p><label class="opcion"><input type="checkbox" name="no_contactar" value="si"{{#noContact}} checked{{/noContact}}> <strong>No contactarla</strong>: nadie debe llamarla ni visitarla</label></p>
        <p><label for="tel_seguro">Teléfono seguro</label><input id="tel_seguro" name="tel_seguro" type="text" autocomplete="off" value="{{tel_seguro}}"></p>
        <p><label for="horario">Horario seguro</label><input id="horario" name="horario" type="text" autocomplete="off" value="{{horario}}"></p>
        <p><span class="etiqueta">¿Acepta que su caso se comparta con las áreas a las que se canalice?</span>
        <label class="opcion"><input type="radio" name="consentimiento" value="si"{{#consentYes}} checked{{/consentYes}}> Sí</label>
        <label class="opcion"><input type="radio" name="consentimiento" value="no"{{#consentNo}} checked{{/consentNo}}> No (solo se canaliza si hay riesgo para su vida)</label></p>
        </fieldset>
        <fieldset><legend>Lo que pasó</legend>
        <p><label for="canal">Canal de ingreso (cómo llegó)</label><select id="canal" name="canal" required><option value="">— elige —</option>{{#channels}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/channels}}</select></p>
        <p><label for="fecha">Fecha del hecho</label><input id="fecha" name="fecha" type="date" autocomplete="off" value="{{fecha}}"></p>
        <p><span class="etiqueta">Tipos de violencia</span>{{#violences}}<label class="opcion"><input type="checkbox" name="{{name}}" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/violences}}</p>
        <p><span class="etiqueta">Modalidades</span>{{#modalities}}<label class="opcion"><input type="checkbox" name="{{name}}" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/modalities}}</p>
        <p><label for="resumen">Relato</label><textarea id="resumen" name="resumen" rows="4" autocomplete="off">{{resumen}}</textarea></p>
        </fieldset>
        <fieldset><legend>Riesgo</legend>
        <p><label for="riesgo">Nivel de riesgo</label><select id="riesgo" name="riesgo">{{#risks}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/risks}}</select></p>
        <p><span class="etiqueta">Factores de riesgo</span>{{#factors}}<label class="opcion"><input type="checkbox" name="{{name}}" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/factors}}</p>
        <p><label for="confidencialidad">Confidencialidad</label><select id="confidencialidad" name="confidencialidad">{{#confidentialities}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/confidentialities}}</select></p>
        </fieldset>
        <fieldset><legend>Tu atención</legend>
        <p><label for="atencion">Qué atención le das</label><select id="atencion" name="atencion">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></p>
        <p><label for="nota">Nota de la atención</label><textarea id="nota" name="nota" rows="3" autocomplete="off">{{nota}}</textarea></p>
        <p class="ayuda">Queda registrada a tu nombre y con tu certificado.</p>
        </fieldset>
        <p><button type="submit">Abrir el caso</button></p>
        </form>
        """

    static let caseFile = """
        {{> head}}
        {{#noContact}}<p class="destacado" role="alert">NO CONTACTARLA: nadie debe llamarla ni visitarla; una llamada equivocada puede alertar al agresor. Espera a que ella busque a la institución.</p>{{/noContact}}
        {{^noContact}}<dl class="campos"><dt>Teléfono seguro</dt><dd>{{safePhone}}</dd><dt>Horario seguro</dt><dd>{{safeHours}}</dd></dl>{{/noContact}}
        <p class="nombre-caso"><strong>{{name}}</strong></p>
        {{#any_pending}}<p class="en-conflicto">Pendiente de la oficina: dos áreas anotaron distinto {{#pending}}«{{.}}» {{/pending}}— la oficina central decide; mientras tanto se muestra un valor.</p>{{/any_pending}}
        <h2>Lo que ya se sabe</h2>
        {{#any_timeline}}
        <ol class="historia">
        {{#timeline}}
        <li>{{#attention}}<strong>{{when}}</strong> — {{department}}, {{who}}: <strong>{{what}}</strong>{{#corrects}} (corrige una anotación anterior){{/corrects}}{{#note}}<br>{{note}}{{/note}}{{/attention}}
        {{#referral}}<strong>{{when}}</strong> — {{department}}: <strong>{{what}}</strong> (urgencia {{urgency}}; {{state}}){{#reason}}<br>Motivo: {{reason}}{{/reason}}{{#stateNote}}<br>Respuesta: {{stateNote}}{{/stateNote}}{{/referral}}</li>
        {{/timeline}}
        </ol>
        {{/any_timeline}}
        {{^any_timeline}}<p>Aún no hay atenciones ni canalizaciones.</p>{{/any_timeline}}
        <h2>Datos del caso</h2>
        <dl class="campos">{{#facts}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
        {{#acceptFirst}}<p class="aviso">{{acceptFirst}}</p>{{/acceptFirst}}
        {{#session.captura}}{{#mayWork}}
        <h2 id="registrar">Registrar una atención</h2>
        <form method="post" action="/ventanilla/casos/{{id}}/atencion" class="tarjeta" autocomplete="off" aria-labelledby="registrar">
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        <p><label for="tipo">Qué atención le das</label><select id="tipo" name="tipo" required><option value="">— elige —</option>{{#kinds}}<option value="{{value}}">{{label}}</option>{{/kinds}}</select></p>
        <p><label for="nota">Nota</label><textarea id="nota" name="nota" rows="3" autocomplete="off"></textarea></p>
        <p class="ayuda">Queda registrada a tu nombre{{#myCertificate}} y con tu certificado {{myCertificate}}{{/myCertificate}}.</p>
        <p><button type="submit">Registrar la atención</button></p>
        </form>
        <h2 id="canalizar">Canalizar a otra institución</h2>
        <form method="post" action="/ventanilla/casos/{{id}}/canalizar" class="tarjeta" autocomplete="off" aria-labelledby="canalizar">
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        <p><label for="destino">A dónde</label><select id="destino" name="destino" required><option value="">— elige —</option>{{#targets}}<option value="{{value}}">{{label}}</option>{{/targets}}</select></p>
        <p><label for="urgencia">Urgencia</label><select id="urgencia" name="urgencia">{{#urgencies}}<option value="{{value}}">{{label}}</option>{{/urgencies}}</select></p>
        <p><label for="motivo">Qué se le pide</label><textarea id="motivo" name="motivo" rows="3" autocomplete="off"></textarea></p>
        <p><button type="submit">Canalizar</button></p>
        </form>
        <h2 id="riesgo-titulo">Actualizar el riesgo</h2>
        <form method="post" action="/ventanilla/casos/{{id}}/riesgo" class="tarjeta" aria-labelledby="riesgo-titulo">
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        <p><label for="riesgo">Nivel de riesgo</label><select id="riesgo" name="riesgo">{{#risks}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/risks}}</select></p>
        <p class="ayuda">Si otra área anotó un nivel más alto, queda el más alto.</p>
        <p><button type="submit">Guardar el riesgo</button></p>
        </form>
        {{#mayClose}}{{^concluded}}
        <h2 id="concluir">Concluir el caso</h2>
        <form method="post" action="/ventanilla/casos/{{id}}/concluir" class="tarjeta" aria-labelledby="concluir">
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        <p><label class="opcion"><input type="checkbox" name="confirmar" value="si" required> Confirmo que el caso se concluye</label></p>
        <p class="ayuda">Si otra área lo sigue atendiendo al mismo tiempo, el caso sigue abierto hasta que la oficina lo confirme.</p>
        <p><button type="submit">Concluir</button></p>
        </form>
        {{/concluded}}{{/mayClose}}
        {{/mayWork}}{{/session.captura}}
        {{> foot}}
        """

    static let referral = """
        <li class="tarjeta">
        <p><a href="/ventanilla/casos/{{case}}" class="sin-corte">{{folio}}</a> — <strong>{{name}}</strong></p>
        {{#noContact}}<p class="destacado">NO CONTACTARLA: nadie debe llamarla ni visitarla.</p>{{/noContact}}
        <p>{{from}} la canalizó el {{when}}. Urgencia: {{#urgent}}<strong>{{urgency}}</strong>{{/urgent}}{{^urgent}}{{urgency}}{{/urgent}}. Riesgo: {{#highRisk}}<strong>{{risk}}</strong>{{/highRisk}}{{^highRisk}}{{risk}}{{/highRisk}}. Estado: {{state}}. {{attentions}}.</p>
        <p>Qué pide: {{reason}}</p>
        {{#stateNote}}<p>Respuesta: {{stateNote}}</p>{{/stateNote}}
        {{#session.captura}}{{#canAccept}}
        <form method="post" action="/ventanilla/canalizaciones/{{case}}/{{referral}}" class="en-linea"><input type="hidden" name="csrf" value="{{session.csrf}}"><input type="hidden" name="accion" value="aceptar"><button type="submit">Aceptar</button></form>
        {{/canAccept}}{{#canAttend}}
        <form method="post" action="/ventanilla/canalizaciones/{{case}}/{{referral}}" class="en-linea"><input type="hidden" name="csrf" value="{{session.csrf}}"><input type="hidden" name="accion" value="atender"><button type="submit">Marcar como atendida</button></form>
        {{/canAttend}}
        {{#canAccept}}
        <details><summary>Rechazar</summary>
        <form method="post" action="/ventanilla/canalizaciones/{{case}}/{{referral}}" autocomplete="off"><input type="hidden" name="csrf" value="{{session.csrf}}"><input type="hidden" name="accion" value="rechazar">
        <p><label for="nota-{{referral}}">Motivo del rechazo</label><textarea id="nota-{{referral}}" name="nota" rows="2" required autocomplete="off"></textarea></p>
        <p><button type="submit">Rechazar la canalización</button></p></form>
        </details>
        {{/canAccept}}{{/session.captura}}
        </li>
        """

    static let inbox = """
        {{> head}}
        <h2>Por responder</h2>
        {{#any_waiting}}<ul class="bandeja">{{#waiting}}{{> referral}}{{/waiting}}</ul>{{/any_waiting}}
        {{^any_waiting}}<p>No hay canalizaciones nuevas para tu departamento.</p>{{/any_waiting}}
        <h2>En atención</h2>
        {{#any_working}}<ul class="bandeja">{{#working}}{{> referral}}{{/working}}</ul>{{/any_working}}
        {{^any_working}}<p>Ninguna.</p>{{/any_working}}
        <h2>Respondidas</h2>
        {{#any_answered}}<ul class="bandeja">{{#answered}}{{> referral}}{{/answered}}</ul>{{/any_answered}}
        {{^any_answered}}<p>Ninguna.</p>{{/any_answered}}
        {{> foot}}
        """

    static let error = """
        {{> head}}
        <p class="error" role="alert">{{explanation}}</p>
        <p><a href="{{back}}">Volver</a></p>
        {{> foot}}
        """
}
