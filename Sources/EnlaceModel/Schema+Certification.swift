extension Schema {
    /// A public servant's competence certificate (e.g. CONOCER EC0539). See docs/domain.md.
    public static let certification = Schema(
        .certification,
        fields: [
            FieldSpec("holder_name", .text(maxLength: 200), .review),
            FieldSpec("holder_employee_id", .text(maxLength: 64), .review),
            FieldSpec("department", .vocabulary(.department), .review),
            FieldSpec("standard_code", .vocabulary(.standardCode), .writeOnce, required: true),
            FieldSpec("standard_title", .text(maxLength: 300), .writeOnce),
            FieldSpec("folio", .text(maxLength: 64), .writeOnce, required: true),
            FieldSpec("certifying_body", .text(maxLength: 200), .writeOnce),
            FieldSpec("issued_on", .date, .writeOnce),
            FieldSpec("valid_until", .date, .review),
            FieldSpec("status", .vocabulary(.certificationStatus), .revocationReview),
        ]
    )
}
