import EnlaceModel

/// The Spanish words people read for what the code names in English or in codes: every schema
/// field and section, every vocabulary value, department, certification standard, office role,
/// merge rule and audit action. One table, like the schema: the desk, the ventanilla, the CLI and
/// `enlace schema` read it, and a test fails when a field or a value has none.
public enum DisplayVocabulary {
    /// A field's label and what it means, in the words of the people who fill it in.
    public struct FieldLabel: Sendable {
        public let label: String
        public let help: String
    }

    /// The label of a field path (`person.phone`, `attentions.<id>.kind` or its schema form
    /// `attentions.*.kind`, `violence_types.fisica`), or nil when the schema has no such field.
    public static func field(_ path: String, of type: RecordType = .caseFile) -> FieldLabel? {
        let schemaPath = schemaForm(path, of: type)
        let table = type == .caseFile ? caseFields : certificationFields
        if let label = table[schemaPath] { return label }
        // A set's element: `violence_types.fisica` is "Tipos de violencia: Física".
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let set = table[parts[0]], case .set(let vocabulary)? = type.schema.fields.first(where: { $0.path == parts[0] })?.type {
            return FieldLabel(label: "\(set.label): \(value(parts[1], in: vocabulary))", help: set.help)
        }
        return nil
    }

    /// A field's label, or the path itself when it has none (never happens for schema fields).
    public static func fieldLabel(_ path: String, of type: RecordType = .caseFile) -> String {
        field(path, of: type)?.label ?? path
    }

    /// The schema's form of a path: an item id (a ULID) becomes `*`.
    public static func schemaForm(_ path: String, of type: RecordType) -> String {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.count == 3, type.schema.collections.contains(where: { $0.name == parts[0] }) else { return path }
        return "\(parts[0]).*.\(parts[2])"
    }

    /// The schema's field a path writes: `attentions.<id>.kind` and `attentions.*.kind` both
    /// name the attention's kind, `violence_types.fisica` the set.
    public static func spec(_ path: String, of type: RecordType) -> FieldSpec? {
        let form = schemaForm(path, of: type)
        return type.schema.fields.first { $0.path == form } ?? type.schema.register(forPath: path)?.spec
    }

    /// The label of a vocabulary value (the value itself when the vocabulary has no such value).
    public static func value(_ value: String, in vocabulary: Vocabulary) -> String {
        values[vocabulary.name]?[value] ?? value
    }

    /// How a field's value reads: vocabulary values and sets by their labels, yes/no, times and
    /// dates in León's calendar; nil shown as "—".
    public static func show(_ value: JSONValue?, field path: String, of type: RecordType = .caseFile) -> String {
        guard let value, value != .null else { return "—" }
        let spec = spec(path, of: type)
        switch (value, spec?.type) {
        case (.string(let text), .vocabulary(let vocabulary)?): return self.value(text, in: vocabulary)
        case (.string(let text), .timestamp?): return LeonTime.format(text)
        case (.string(let text), .date?): return LeonTime.formatDate(text)
        case (.array(let items), .set(let vocabulary)?):
            let labels = items.compactMap(\.stringValue).map { self.value($0, in: vocabulary) }
            return labels.isEmpty ? "Ninguno" : labels.joined(separator: ", ")
        case (.bool(let flag), _): return flag ? "Sí" : "No"
        case (.string(let text), _): return text
        case (.int(let number), _): return String(number)
        default: return value.canonicalText
        }
    }

    /// What a field accepts, in Spanish (the schema's `expectation` is English, for logs).
    public static func accepts(_ type: FieldType) -> String {
        switch type {
        case .text(let maxLength): "texto de hasta \(maxLength) bytes"
        case .integer(let range): "un número entero de \(range.lowerBound) a \(range.upperBound)"
        case .bool: "sí o no"
        case .date: "una fecha (AAAA-MM-DD)"
        case .timestamp: "una fecha y hora"
        case .vocabulary(let vocabulary): "uno de: " + vocabulary.values.map { value($0, in: vocabulary) }.joined(separator: ", ")
        case .set(let vocabulary): "varios de: " + vocabulary.values.map { value($0, in: vocabulary) }.joined(separator: ", ")
        case .folio: "un folio LEON-<NODO>-<AAAA>-<NNNNNN>"
        case .identifier: "un identificador (26 caracteres)"
        }
    }

    /// A department's full name.
    public static func department(_ code: String) -> String { value(code, in: .department) }

    /// A department's short name, for tables and sentences.
    public static func departmentShort(_ code: String) -> String { departmentShortNames[code] ?? department(code) }

    /// A certification standard: its code and name.
    public static func standard(_ code: String) -> String { value(code, in: .standardCode) }

    /// An office role.
    public static func role(_ role: String) -> String { roles[role] ?? role }

    /// What an audit row's action means.
    public static func auditAction(_ action: String) -> String { auditActions[action] ?? "Acción registrada" }

    /// A merge rule's name.
    public static func rule(_ rule: String) -> String { rules[rule] ?? rule }

    /// Who acted, as a person reads it: an office user by name, the command line, a node by its
    /// department.
    public static func actor(_ actor: String) -> String {
        if actor.hasPrefix("cli:") { return "Administración del sistema (línea de comandos)" }
        if actor == "desk" { return "Formulario de entrada de la oficina" }
        return actor
    }

    /// The sections of a case, in the order a person reads it, and the fields of each.
    public static let caseSections: [(title: String, fields: [String])] = [
        ("Persona", ["person.full_name", "person.birth_year", "person.phone", "person.address", "person.colonia", "person_ref"]),
        ("Contacto seguro", ["safe_contact.no_contact", "safe_contact.phone", "safe_contact.hours", "consent_to_share"]),
        ("Riesgo", ["risk_level", "risk_factors", "violence_types", "modalities"]),
        ("El caso", ["folio", "folio_alias", "status", "origin_department", "lead_department", "intake_channel", "incident_date",
                     "first_contact_at", "confidentiality", "programs", "summary"]),
    ]

    // MARK: Tables

    static let caseFields: [String: FieldLabel] = [
        "person_ref": .init(label: "Expediente de la persona", help: "El número que une los casos de una misma mujer: una mujer, un expediente; un caso por cada hecho."),
        "folio": .init(label: "Folio", help: "El número del caso, puesto por el nodo que lo abrió; nunca cambia."),
        "folio_alias": .init(label: "Folio anterior", help: "El folio que el caso tuvo antes de que una recuperación lo renumerara; los papeles aún pueden nombrarlo."),
        "origin_department": .init(label: "Departamento de origen", help: "Donde se abrió el caso; nunca cambia."),
        "intake_channel": .init(label: "Canal de ingreso", help: "Cómo llegó el caso al municipio; nunca cambia."),
        "person.full_name": .init(label: "Nombre completo", help: "Su nombre. Si dos áreas escriben nombres distintos a la vez, la oficina decide cuál es."),
        "person.birth_year": .init(label: "Año de nacimiento", help: "Su año de nacimiento."),
        "person.phone": .init(label: "Teléfono", help: "Su teléfono. Mire antes «No contactarla»."),
        "person.address": .init(label: "Domicilio", help: "Dónde vive. Con ubicación restringida, solo el departamento líder y la oficina lo leen."),
        "person.colonia": .init(label: "Colonia", help: "Su colonia. Con ubicación restringida, solo el departamento líder y la oficina la leen."),
        "safe_contact.no_contact": .init(label: "No contactarla", help: "Sí: nadie debe llamarla ni visitarla, una llamada equivocada puede alertar al agresor. Si alguna área lo marca, queda marcado."),
        "safe_contact.phone": .init(label: "Teléfono seguro", help: "El número donde se le puede llamar sin riesgo. Con ubicación restringida, solo lo lee el líder."),
        "safe_contact.hours": .init(label: "Horario seguro", help: "Cuándo se le puede llamar sin riesgo. Con ubicación restringida, solo lo lee el líder."),
        "incident_date": .init(label: "Fecha del hecho", help: "Cuándo ocurrió la violencia; si dos áreas anotan fechas distintas, queda la más temprana."),
        "first_contact_at": .init(label: "Primer contacto", help: "Cuándo la atendió el municipio por primera vez; queda la más temprana."),
        "violence_types": .init(label: "Tipos de violencia", help: "Los tipos que ha vivido; un tipo anotado por cualquier área no se pierde sin que alguien lo haya visto."),
        "modalities": .init(label: "Modalidades", help: "Dónde ocurre la violencia; como los tipos, ninguna se pierde sin haberse visto."),
        "risk_level": .init(label: "Nivel de riesgo", help: "Si dos áreas lo valoran a la vez, queda el más alto; quien haya visto la valoración anterior puede bajarlo."),
        "risk_factors": .init(label: "Factores de riesgo", help: "Lo que aumenta su riesgo; «niñas o niños presentes» lleva el caso a la Procuraduría de Protección."),
        "programs": .init(label: "Programas", help: "Los programas por los que pasa el caso."),
        "status": .init(label: "Estado del caso", help: "Un cierre a la vez que otra área sigue trabajando no cierra el caso: la actividad gana."),
        "confidentiality": .init(label: "Confidencialidad", help: "Si dos áreas la cambian a la vez, queda la más restrictiva. «Ubicación restringida» oculta dónde está ella a todos menos al líder."),
        "lead_department": .init(label: "Departamento líder", help: "El área que lleva el caso. Solo el área de origen (mientras no hay líder), el líder actual o la oficina lo nombran."),
        "consent_to_share": .init(label: "Consiente compartir su información", help: "No: solo las canalizaciones inmediatas llevan el caso a otras áreas. Si alguien anota «No», queda «No»."),
        "summary": .init(label: "Relato", help: "Lo que ella contó. Si dos áreas lo reescriben a la vez, la oficina decide; nunca se pierde una versión."),
        "attentions": .init(label: "Atenciones", help: "Cada atención que se le dio; ninguna se borra ni se pierde."),
        "attentions.*.at": .init(label: "Fecha y hora de la atención", help: "Cuándo se la atendió."),
        "attentions.*.department": .init(label: "Departamento que atendió", help: "El área que la atendió."),
        "attentions.*.servant_id": .init(label: "Servidora o servidor público", help: "Quien la atendió."),
        "attentions.*.kind": .init(label: "Tipo de atención", help: "Qué atención recibió."),
        "attentions.*.note": .init(label: "Nota de la atención", help: "Lo que se anotó de la atención."),
        "attentions.*.corrects": .init(label: "Corrige la atención", help: "La atención que esta corrige: nada se edita, se anota otra."),
        "attentions.*.certification_folio": .init(label: "Folio de certificación", help: "El certificado de competencia que tenía quien la atendió en ese momento."),
        "referrals": .init(label: "Canalizaciones", help: "A dónde se le envió; ninguna se pierde."),
        "referrals.*.from": .init(label: "Canaliza", help: "El área que envía."),
        "referrals.*.to": .init(label: "Canalizada a", help: "A dónde se envía."),
        "referrals.*.created_at": .init(label: "Fecha de la canalización", help: "Cuándo se hizo."),
        "referrals.*.reason": .init(label: "Motivo", help: "Qué se pide. Si dos áreas lo reescriben a la vez, la oficina decide."),
        "referrals.*.urgency": .init(label: "Urgencia", help: "Si dos áreas la cambian a la vez, queda la más alta."),
        "referrals.*.state": .init(label: "Estado de la canalización", help: "Va de propuesta a atendida; el avance mayor gana; dos cierres distintos los decide la oficina."),
        "referrals.*.state_note": .init(label: "Respuesta del área que recibe", help: "Lo que el área que recibe dice de su respuesta: por qué la rechaza, qué atendió."),
    ]

    static let certificationFields: [String: FieldLabel] = [
        "holder_name": .init(label: "Nombre de la persona certificada", help: "Quien tiene el certificado."),
        "holder_employee_id": .init(label: "Número de empleado", help: "Su número de empleado o de servidora pública."),
        "department": .init(label: "Departamento", help: "Dónde trabaja."),
        "standard_code": .init(label: "Estándar de competencia", help: "El estándar del CONOCER que acredita; se anota una vez."),
        "standard_title": .init(label: "Título del estándar", help: "El nombre del estándar; se anota una vez."),
        "folio": .init(label: "Folio del certificado", help: "El folio del certificado; se anota una vez."),
        "certifying_body": .init(label: "Entidad certificadora", help: "Quién emitió el certificado; se anota una vez."),
        "issued_on": .init(label: "Fecha de emisión", help: "Cuándo se emitió; se anota una vez."),
        "valid_until": .init(label: "Vigente hasta", help: "Hasta cuándo vale."),
        "status": .init(label: "Estado del certificado", help: "Una revocación a la vez que otro cambio lo deja en revisión: un certificado en revisión no cuenta como vigente."),
    ]

    static let departmentShortNames: [String: String] = [
        "C4": "C4", "PROTECCION_CIVIL": "Protección Civil", "BOMBEROS": "Bomberos", "SALUD": "Salud", "DIF": "DIF",
        "IMMUJERES": "IMMujeres", "SUBSEC_DDHH": "Derechos Humanos", "PROCURADURIA_NNA": "Procuraduría NNA", "CENTRAL": "Oficina central",
    ]

    static let values: [String: [String: String]] = [
        "department": [
            "C4": "C4 (Centro de Control, Comando, Comunicaciones y Cómputo)", "PROTECCION_CIVIL": "Protección Civil",
            "BOMBEROS": "Bomberos", "SALUD": "Salud", "DIF": "Sistema DIF (Desarrollo Integral de la Familia)",
            "IMMUJERES": "Instituto Municipal de las Mujeres", "SUBSEC_DDHH": "Subsecretaría de Derechos Humanos",
            "PROCURADURIA_NNA": "Procuraduría de Protección de Niñas, Niños y Adolescentes", "CENTRAL": "Oficina central",
        ],
        "intake_channel": [
            "presencial": "Presencial", "emergencia_911": "Emergencia 911", "telefonica": "Telefónica", "mujeres_a_salvo": "Mujeres a Salvo",
            "espacio_seguro": "Espacio seguro", "otro": "Otro",
        ],
        "violence_type": [
            "psicologica": "Psicológica", "fisica": "Física", "patrimonial": "Patrimonial", "economica": "Económica", "sexual": "Sexual",
            "vicaria": "Vicaria", "otra": "Otra",
        ],
        "modality": [
            "familiar": "Familiar", "laboral": "Laboral", "docente": "Docente", "comunitaria": "Comunitaria", "institucional": "Institucional",
            "politica": "Política", "digital": "Digital", "mediatica": "Mediática", "feminicida": "Feminicida",
        ],
        "risk_level": ["sin_valorar": "Sin valorar", "bajo": "Bajo", "medio": "Medio", "alto": "Alto", "extremo": "Extremo"],
        "risk_factor": [
            "armas": "Armas", "amenaza_de_muerte": "Amenaza de muerte", "separacion_reciente": "Separación reciente",
            "incumplimiento_de_orden": "Incumplimiento de orden de protección", "ninas_ninos_presentes": "Niñas o niños presentes",
            "embarazo": "Embarazo", "otro": "Otro",
        ],
        "program": ["red_espacios_seguros": "Red de Espacios Seguros", "mujeres_a_salvo": "Unidad Mujeres a Salvo", "mujeres_adelante": "Mujeres Adelante"],
        "case_status": [
            "abierto": "Abierto", "en_atencion": "En atención", "canalizado": "Canalizado", "en_seguimiento": "En seguimiento",
            "concluido": "Concluido",
        ],
        "confidentiality": ["normal": "Normal", "reservado": "Reservado", "ubicacion_restringida": "Ubicación restringida"],
        "attention_kind": [
            "primer_contacto": "Primer contacto", "orientacion": "Orientación", "contencion_emocional": "Contención emocional",
            "atencion_medica": "Atención médica", "atencion_psicologica": "Atención psicológica", "asesoria_juridica": "Asesoría jurídica",
            "trabajo_social": "Trabajo social", "apoyo_economico": "Apoyo económico", "apoyo_educativo": "Apoyo educativo",
            "resguardo_espacio_seguro": "Resguardo en espacio seguro", "seguimiento": "Seguimiento",
        ],
        "referral_target": [
            "IMMUJERES": "Instituto Municipal de las Mujeres", "MUJERES_A_SALVO": "Unidad Mujeres a Salvo",
            "CJM": "Centro de Justicia para las Mujeres", "FISCALIA_MP": "Fiscalía (Ministerio Público)", "SALUD": "Salud",
            "DIF": "Sistema DIF", "PROCURADURIA_NNA": "Procuraduría de Protección de Niñas, Niños y Adolescentes", "REFUGIO": "Refugio",
            "REPRESENTACION_JURIDICA": "Representación jurídica", "PRODHEG": "Procuraduría de los Derechos Humanos del Estado de Guanajuato",
            "OTRO": "Otra institución",
        ],
        "urgency": ["ordinaria": "Ordinaria", "prioritaria": "Prioritaria", "inmediata": "Inmediata"],
        "referral_state": [
            "propuesta": "Propuesta", "enviada": "Enviada", "recibida": "Recibida", "atendida": "Atendida", "cerrada": "Cerrada",
            "rechazada": "Rechazada", "no_localizada": "No localizada",
        ],
        "standard_code": [
            "EC0539": "EC0539 — Atención presencial de primer contacto a mujeres víctimas de violencia de género",
            "EC0497": "EC0497 — Orientación telefónica a mujeres y víctimas de violencia basada en el género",
            "EC0308": "EC0308 — Capacitación presencial a servidoras y servidores públicos en y desde el enfoque de igualdad entre mujeres y hombres",
            "OTRO": "Otro estándar",
        ],
        "certification_status": ["vigente": "Vigente", "suspendida": "Suspendida", "en_revision": "En revisión", "revocada": "Revocada"],
    ]

    static let roles: [String: String] = ["viewer": "consulta", "resolver": "decide conflictos", "admin": "administración"]

    static let rules: [String: String] = [
        "immutable": "no cambia", "write_once": "se anota una vez", "append_only": "solo se agrega", "review": "lo decide una persona",
        "or": "basta un «sí»", "and": "basta un «no»", "min": "la más temprana", "max": "el más alto", "add_wins_set": "lo agregado se conserva",
        "open_wins": "la actividad gana al cierre", "referral_state": "el avance mayor", "revocation_review": "revocación a revisión",
    ]

    public static let auditActions: [String: String] = [
        "node.enroll": "Dio de alta el equipo de un departamento", "node.bind": "El equipo de un departamento se conectó por primera vez",
        "node.rotate": "El equipo de un departamento cambió sus llaves", "node.epoch": "El equipo de un departamento se recuperó de una copia",
        "node.revoke": "Dio de baja el equipo de un departamento", "report.download": "Descargó una tabla del informe AVGM",
        "user.add": "Dio de alta a una persona usuaria", "user.password": "Cambió una contraseña", "user.revoke": "Dio de baja a una persona usuaria",
        "desk.signin": "Entró a la oficina", "desk.signin.failed": "Intento fallido de entrar",
        "desk.signin.throttled": "Nombre bloqueado 15 minutos por intentos fallidos", "desk.signout": "Salió de la oficina",
        "conflict.read": "Consultó un conflicto", "conflicts.list": "Consultó la lista de conflictos", "conflict.resolve": "Resolvió un conflicto",
        "case.read": "Consultó un caso", "case.history": "Consultó la historia de un caso", "case.lead": "Nombró el departamento líder",
        "case.erase": "Canceló los datos de un caso (derecho ARCO)", "case.arco_export": "Exportó los datos de un caso (derecho ARCO)",
        "certification.read": "Consultó un certificado", "certification.history": "Consultó la historia de un certificado",
        "person.search": "Buscó los casos de una mujer", "report.compliance": "Consultó el informe AVGM",
        "central.restore": "Restauró el servidor central desde una copia", "credential.reapplied": "Volvió a aplicar una credencial tras una restauración",
    ]
}
