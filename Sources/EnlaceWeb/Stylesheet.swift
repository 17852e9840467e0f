/// The stylesheet of every page people read (the desk, the ventanilla): plain CSS, no script.
/// Words are never broken inside themselves — they wrap between words and hyphenate in Spanish;
/// only long codes in technical details may break anywhere. At phone width every list table
/// becomes a stack of cards, each cell with its column's name (`data-label`), so no page
/// scrolls sideways at 390 px.
public enum Stylesheet {
    public static let css = """
        :root { --tinta: #1d1d2b; --morado: #5b2a86; --morado-claro: #efe7f6; --fondo: #faf8fc; --borde: #cfc6da; --alerta: #9b1c1c; --ok: #2e7d32; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--tinta); background: var(--fondo); overflow-wrap: break-word; word-break: normal; hyphens: auto; }
        header { background: var(--morado); color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; }
        header a { color: #fff; }
        .marca { margin: 0; font-weight: bold; }
        nav { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
        nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.5rem; line-height: 1.25; margin: .5rem 0 1rem; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
        footer { max-width: 72rem; margin: 2rem auto; padding: 0 1rem; font-size: .85rem; color: #555; }
        table { border-collapse: collapse; margin: .5rem 0 1.5rem; width: 100%; }
        th, td { border: 1px solid var(--borde); padding: .4rem .55rem; text-align: left; vertical-align: top; background: #fff; }
        th { background: var(--morado-claro); font-weight: 600; }
        td.numero, th.numero { text-align: right; white-space: nowrap; }
        .filtros { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; background: #fff; border: 1px solid var(--borde); padding: .5rem 1rem; }
        .filtros p { margin: .25rem 0; min-width: 0; max-width: 100%; }
        label, .etiqueta { display: block; font-weight: 600; }
        input, select, textarea, button { font: inherit; padding: .35rem .45rem; max-width: 100%; }
        input[type=text], input[type=search], input[type=password], input[type=date], input[type=number], select { min-width: 0; }
        textarea { width: 100%; }
        button { background: var(--morado); color: #fff; border: 0; border-radius: .25rem; padding: .45rem 1rem; cursor: pointer; }
        .salir button { background: #fff; color: var(--morado); }
        .tarjeta { background: #fff; border: 1px solid var(--borde); padding: 1rem; max-width: 40rem; }
        fieldset { border: 1px solid var(--borde); background: #fff; padding: .5rem 1rem; margin: 0 0 1rem; }
        fieldset label { display: inline; font-weight: normal; }
        .opcion { display: block; margin: .35rem 0; }
        .versiones { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: 1rem; }
        .version { background: #fff; border: 1px solid var(--borde); border-top: 4px solid var(--morado); padding: .5rem 1rem; }
        .version .valor { font-size: 1.1rem; font-weight: 600; white-space: pre-line; }
        dl { margin: 0; } dt { font-weight: 600; } dd { margin: 0 0 .5rem; }
        .campos { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: 0; background: #fff; border: 1px solid var(--borde); margin: 0 0 1.5rem; }
        .campos > dt, .campos > dd { padding: .45rem .6rem; border-bottom: 1px solid var(--borde); margin: 0; }
        .campos > dd { white-space: pre-line; }
        .aviso { background: #e7f5ea; border-left: 4px solid var(--ok); padding: .5rem .75rem; }
        .error, .roto { background: #fdecec; border-left: 4px solid var(--alerta); padding: .5rem .75rem; }
        .integra { background: #e7f5ea; border-left: 4px solid var(--ok); padding: .5rem .75rem; }
        .destacado { background: #fdecec; border: 2px solid var(--alerta); padding: .5rem .75rem; font-weight: 600; }
        .en-conflicto { background: #fff6e0; }
        .etiqueta-conflicto { display: inline-block; background: #fff0c2; border: 1px solid #d9a300; border-radius: .25rem; padding: 0 .35rem; font-size: .85rem; font-weight: 600; }
        .silencioso { color: var(--alerta); font-weight: 600; }
        .codigo, .sin-corte { white-space: nowrap; }
        .salir { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: center; margin: 0; }
        .quien { font-size: .9rem; }
        .detalle, .ayuda { font-size: .9rem; color: #555; }
        details { margin: .25rem 0; }
        summary { cursor: pointer; color: var(--morado); }
        details code, .tecnico { overflow-wrap: anywhere; font-size: .85rem; }
        .historia li { margin: .35rem 0; }
        .en-linea { display: inline; }
        .paginas { display: flex; flex-wrap: wrap; gap: 1rem; }
        .sincronia { margin: 0; padding: .45rem 1rem; border-bottom: 1px solid var(--borde); }
        .conectado { background: #e7f5ea; }
        .desconectado { background: #fff6e0; }
        .vigente { font-weight: 600; }
        .no-vigente { font-weight: 600; text-decoration: underline; }
        .bandeja { list-style: none; margin: 0; padding: 0; }
        .bandeja > li { margin: 0 0 1rem; max-width: none; }
        .nombre-caso { font-size: 1.15rem; }
        form.formulario fieldset label[for] { display: block; font-weight: 600; }
        @media (max-width: 40rem) {
          main { padding: .75rem; }
          h1 { font-size: 1.3rem; }
          table.lista, table.lista tbody, table.lista tr, table.lista td { display: block; width: 100%; }
          table.lista thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
          table.lista tr { border: 1px solid var(--borde); background: #fff; margin: 0 0 .75rem; }
          table.lista td { border: 0; border-bottom: 1px solid #eee; }
          table.lista td::before { content: attr(data-label); display: block; font-weight: 600; font-size: .85rem; color: #555; }
          td.numero { text-align: left; }
          table.compacta td { display: inline; border: 0; padding: 0 .25rem 0 0; }
          table.compacta td::before { content: none; }
          table.compacta td + td::before { content: "· "; display: inline; font-weight: normal; }
          table.compacta tr { padding: .4rem .55rem; }
          .campos { grid-template-columns: 1fr; }
          .campos > dt { border-bottom: 0; padding-bottom: 0; }
        }
        """
}
