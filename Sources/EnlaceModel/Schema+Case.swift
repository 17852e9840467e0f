extension Schema {
    /// A case: one incident; a woman may have several. See docs/domain.md.
    public static let caseFile = Schema(
        .caseFile,
        collections: [
            Collection(name: "attentions", orderedBy: "at", createdBy: "kind"),
            Collection(name: "referrals", orderedBy: nil, createdBy: "to"),
        ],
        authorDepartmentFields: ["origin_department", "attentions.*.department", "referrals.*.from"],
        fields: [
            // The woman's file: one per woman, shared by the cases of her incidents (docs/domain.md).
            FieldSpec("person_ref", .identifier, .review),
            FieldSpec("folio", .folio, .immutable, required: true),
            // The folio a case first had, when a node's recovery from a restore renumbered it
            // because another case took that folio meanwhile: paper references still name it.
            FieldSpec("folio_alias", .folio, .immutable),
            FieldSpec("origin_department", .vocabulary(.department), .immutable, required: true),
            FieldSpec("intake_channel", .vocabulary(.intakeChannel), .immutable, required: true),
            FieldSpec("person.full_name", .text(maxLength: 200), .review),
            FieldSpec("person.birth_year", .integer(1900...2100), .review),
            FieldSpec("person.phone", .text(maxLength: 40), .review),
            FieldSpec("person.address", .text(maxLength: 300), .review),
            FieldSpec("person.colonia", .text(maxLength: 120), .review),
            FieldSpec("safe_contact.no_contact", .bool, .or),
            FieldSpec("safe_contact.phone", .text(maxLength: 40), .review),
            FieldSpec("safe_contact.hours", .text(maxLength: 120), .review),
            FieldSpec("incident_date", .date, .min),
            FieldSpec("first_contact_at", .timestamp, .min),
            FieldSpec("violence_types", .set(.violenceType), .addWinsSet),
            FieldSpec("modalities", .set(.modality), .addWinsSet),
            FieldSpec("risk_level", .vocabulary(.riskLevel), .max),
            FieldSpec("risk_factors", .set(.riskFactor), .addWinsSet),
            FieldSpec("programs", .set(.program), .addWinsSet),
            FieldSpec("status", .vocabulary(.caseStatus), .openWins),
            FieldSpec("confidentiality", .vocabulary(.confidentiality), .max),
            FieldSpec("lead_department", .vocabulary(.department), .review),
            FieldSpec("consent_to_share", .bool, .and),
            FieldSpec("summary", .text(maxLength: 10_000), .review),
            FieldSpec("attentions.*.at", .timestamp, .appendOnly, required: true),
            FieldSpec("attentions.*.department", .vocabulary(.department), .appendOnly, required: true),
            FieldSpec("attentions.*.servant_id", .text(maxLength: 64), .appendOnly),
            FieldSpec("attentions.*.kind", .vocabulary(.attentionKind), .appendOnly, required: true),
            FieldSpec("attentions.*.note", .text(maxLength: 10_000), .appendOnly),
            FieldSpec("attentions.*.corrects", .identifier, .appendOnly),
            FieldSpec("attentions.*.certification_folio", .text(maxLength: 64), .appendOnly),
            FieldSpec("referrals.*.from", .vocabulary(.department), .immutable, required: true),
            FieldSpec("referrals.*.to", .vocabulary(.referralTarget), .immutable, required: true),
            FieldSpec("referrals.*.created_at", .timestamp, .immutable),
            FieldSpec("referrals.*.reason", .text(maxLength: 2000), .review),
            FieldSpec("referrals.*.urgency", .vocabulary(.urgency), .max),
            FieldSpec("referrals.*.state", .vocabulary(.referralState), .referralState),
            // The receiving department's words on its answer (why it rejects, what it attended).
            FieldSpec("referrals.*.state_note", .text(maxLength: 2000), .review),
        ]
    )
}
