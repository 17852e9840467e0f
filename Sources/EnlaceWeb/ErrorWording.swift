import EnlaceModel

/// What an API refusal means, in Spanish, from its stable `code` and the field at fault: the
/// desk and the CLI show this, never the English message (which stays for logs).
public enum ErrorWording {
    /// One sentence for a refusal. `field` is the API's (a field path or a header); `type` the
    /// kind of record it concerns.
    public static func spanish(code: String, field: String?, type: RecordType = .caseFile) -> String {
        let name = field.map { fieldName($0, type: type) }
        let accepts = field.flatMap { path in
            DisplayVocabulary.spec(path, of: type)?.type
        }.map(DisplayVocabulary.accepts)
        switch code {
        case "not_in_vocabulary":
            return "\(name ?? "Ese campo") no acepta ese valor" + (accepts.map { "; acepta \($0)" } ?? "") + "."
        case "invalid_value":
            return "\(name ?? "Un campo") tiene un valor que no es válido" + (accepts.map { "; acepta \($0)" } ?? "") + "."
        case "too_long":
            return "\(name ?? "Un texto") es demasiado largo" + (accepts.map { "; acepta \($0)" } ?? "") + "."
        case "wrong_type":
            return "\(name ?? "Un campo") tiene un valor de otro tipo" + (accepts.map { "; acepta \($0)" } ?? "") + "."
        case "unknown_field": return "\(field.map { "«\($0)»" } ?? "Un campo") no es un campo de este registro."
        case "missing_field": return "Falta \(name ?? "un campo obligatorio")."
        case "duplicate_field": return "\(name ?? "Un campo") viene dos veces."
        case "malformed_entry", "malformed":
            return "Lo enviado no tiene la forma esperada" + (name.map { " (\($0))" } ?? "") + "."
        case "missing_author": return "Toda escritura nombra a la servidora o el servidor público que la hace; falta su nombre o número."
        case "not_found": return "No existe ese registro, o este departamento no lo tiene."
        case "conflict":
            return name.map { "\($0) ya está anotado y no puede cambiar, o contradice lo guardado." }
                ?? "Lo pedido contradice lo que ya está guardado."
        case "superseded": return "Ese conflicto cambió mientras tanto: se sumó otra versión. Ábrelo de nuevo para decidir sobre todas."
        case "already_done": return "Ya estaba hecho: nada cambió."
        case "forbidden":
            return "Tu departamento o tu rol no pueden hacer esto" + (name.map { " (\($0))" } ?? "") + "."
        case "unauthenticated": return "Faltan las credenciales, o ya no valen (revocadas o mal copiadas)."
        case "clock_skew": return "El reloj de este equipo está desfasado más de cinco minutos del servidor central."
        case "too_large": return "Lo enviado es demasiado grande."
        case "unsupported_media_type": return "Lo enviado no es del tipo que se espera (JSON)."
        case "method_not_allowed": return "Esa operación no existe aquí."
        case "unprocessable": return "Lo enviado no se puede procesar" + (name.map { " (\($0))" } ?? "") + "."
        case "invalid_rows": return "Hay filas con errores; no se importó ninguna."
        case "too_many_requests": return "Demasiados intentos seguidos; espera un momento."
        case "unavailable": return "El servicio no está disponible por ahora; inténtalo en unos minutos."
        case "disk_full": return "El disco de este equipo está lleno: no se guardó nada. Avisa a sistemas."
        case "release_not_served":
            return "La versión de Enlace de este equipo y la del servidor central no trabajan juntas: se actualiza primero el servidor central "
                + "y después los equipos de los departamentos. Avisa a sistemas."
        case "central_refused": return "El servidor central rechazó la sincronización."
        case "gap", "diverged", "stale_cursor": return "La sincronización se reanuda: el nodo y el servidor central se pondrán al día solos."
        default: return "Ocurrió un error interno; avisa a sistemas."
        }
    }

    /// A field as people read it: its label in «», or the header's meaning.
    static func fieldName(_ field: String, type: RecordType) -> String {
        switch field.lowercased() {
        case "x-enlace-author", "author": return "«Servidora o servidor público»"
        case "note", "nota": return "«Nota»"
        case "value": return "«Valor»"
        default:
            if let label = DisplayVocabulary.field(field, of: type)?.label { return "«\(label)»" }
            return "«\(field)»"
        }
    }
}
