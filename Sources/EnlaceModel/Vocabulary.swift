/// A closed, ordered list of values: the Spanish legal terms users read and reports must match.
///
/// The order is meaningful where a rule compares values (`max`, `min`, the status progressions)
/// and is the order set-valued fields are listed in.
public struct Vocabulary: Hashable, Sendable {
    /// The vocabulary's name, as shown in errors and in the schema table.
    public let name: String
    /// The values in order.
    public let values: [String]
    private let ranks: [String: Int]

    /// A vocabulary from its ordered values.
    public init(_ name: String, _ values: [String]) {
        self.name = name
        self.values = values
        var ranks: [String: Int] = [:]
        for (index, value) in values.enumerated() { ranks[value] = index }
        self.ranks = ranks
    }

    /// The position of `value`, or nil when it is not in the vocabulary.
    public func rank(of value: String) -> Int? { ranks[value] }

    /// Whether `value` belongs to the vocabulary.
    public func contains(_ value: String) -> Bool { ranks[value] != nil }

    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

extension Vocabulary {
    /// The municipality's departments (`CENTRAL` is the central office).
    public static let department = Vocabulary("department", [
        "C4", "PROTECCION_CIVIL", "BOMBEROS", "SALUD", "DIF", "IMMUJERES", "SUBSEC_DDHH", "PROCURADURIA_NNA",
        "CENTRAL",
    ])
    /// How the case reached the municipality.
    public static let intakeChannel = Vocabulary("intake_channel", [
        "presencial", "emergencia_911", "telefonica", "mujeres_a_salvo", "espacio_seguro", "otro",
    ])
    /// Types of violence (Ley General de Acceso de las Mujeres a una Vida Libre de Violencia).
    public static let violenceType = Vocabulary("violence_type", [
        "psicologica", "fisica", "patrimonial", "economica", "sexual", "vicaria", "otra",
    ])
    /// Modalities of violence.
    public static let modality = Vocabulary("modality", [
        "familiar", "laboral", "docente", "comunitaria", "institucional", "politica", "digital", "mediatica",
        "feminicida",
    ])
    /// Risk levels, lowest first.
    public static let riskLevel = Vocabulary("risk_level", ["sin_valorar", "bajo", "medio", "alto", "extremo"])
    /// Risk factors.
    public static let riskFactor = Vocabulary("risk_factor", [
        "armas", "amenaza_de_muerte", "separacion_reciente", "incumplimiento_de_orden", "ninas_ninos_presentes",
        "embarazo", "otro",
    ])
    /// Programs a case can be routed through.
    public static let program = Vocabulary("program", [
        "red_espacios_seguros", "mujeres_a_salvo", "mujeres_adelante",
    ])
    /// A case's progression, `concluido` last.
    public static let caseStatus = Vocabulary("case_status", [
        "abierto", "en_atencion", "canalizado", "en_seguimiento", "concluido",
    ])
    /// Confidentiality, least restrictive first.
    public static let confidentiality = Vocabulary("confidentiality", [
        "normal", "reservado", "ubicacion_restringida",
    ])
    /// Kinds of attention.
    public static let attentionKind = Vocabulary("attention_kind", [
        "primer_contacto", "orientacion", "contencion_emocional", "atencion_medica", "atencion_psicologica",
        "asesoria_juridica", "trabajo_social", "apoyo_economico", "apoyo_educativo", "resguardo_espacio_seguro",
        "seguimiento",
    ])
    /// Where a case can be referred (canalizada).
    public static let referralTarget = Vocabulary("referral_target", [
        "IMMUJERES", "MUJERES_A_SALVO", "CJM", "FISCALIA_MP", "SALUD", "DIF", "PROCURADURIA_NNA", "REFUGIO",
        "REPRESENTACION_JURIDICA", "PRODHEG", "OTRO",
    ])
    /// Referral urgency, lowest first.
    public static let urgency = Vocabulary("urgency", ["ordinaria", "prioritaria", "inmediata"])
    /// A referral's progression; the last three are end states.
    public static let referralState = Vocabulary("referral_state", [
        "propuesta", "enviada", "recibida", "atendida", "cerrada", "rechazada", "no_localizada",
    ])
    /// The end states of a referral.
    public static let referralEndStates: Set<String> = ["cerrada", "rechazada", "no_localizada"]
    /// Competence standards (CONOCER).
    public static let standardCode = Vocabulary("standard_code", ["EC0539", "EC0497", "EC0308", "OTRO"])
    /// A certification's status; order is the precedence among concurrent non-revoking writes.
    public static let certificationStatus = Vocabulary("certification_status", [
        "vigente", "suspendida", "en_revision", "revocada",
    ])
}
