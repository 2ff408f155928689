"""Why every table that no retention rule covers cannot link a person to counselling.

``retention.RULES`` names the models each rule covers; every other model of the
installation must be listed here with its reason. ``tests/consultations/
test_retention_scope.py`` walks every model: a new one in neither list fails the suite, so
nobody adds a table that keeps a person's link to counselling by accident.
"""

STAFF = "staff accounts and their work, no client"
CONFIGURATION = "configuration of the service, no person"
FIGURES = "figures without personal data; the source id names a record that keeps no person"

NOT_LINKING = {
    "admin.LogEntry": "the operator's changes to what the admin shows: accounts, keys, "
    "places, tickets (no client data is registered there)",
    "auth.Permission": CONFIGURATION,
    "auth.Group": CONFIGURATION,
    "contenttypes.ContentType": CONFIGURATION,
    "otp_totp.TOTPDevice": STAFF,
    "axes.AccessFailureLog": "failed staff sign-ins",
    "axes.AccessAttempt": "failed staff sign-ins",
    "axes.AccessAttemptExpiration": "failed staff sign-ins",
    "axes.AccessLog": "staff sign-ins",
    "accounts.StaffMember": STAFF,
    "accounts.StaffChangeRequest": "changes of staff members' roles, and who decided them",
    "accounts.GroupMapping": CONFIGURATION,
    "officesystems.OfficeSystem": CONFIGURATION,
    "accounts.ProviderMfaDevice": STAFF,
    "organisations.Organisation": CONFIGURATION,
    "organisations.Location": CONFIGURATION,
    "organisations.Desk": CONFIGURATION,
    "organisations.OpeningHours": CONFIGURATION,
    "organisations.OfficeService": CONFIGURATION,
    "organisations.Topic": CONFIGURATION,
    "organisations.Language": CONFIGURATION,
    "scheduling.LocationSchedule": CONFIGURATION,
    "scheduling.ClosingDay": CONFIGURATION,
    "scheduling.Shift": STAFF,
    "scheduling.ShiftException": STAFF,
    "scheduling.ScheduleChange": "a change of the schedule: its kind, place, counsellor and "
    "who made it (staff); what it did to each booking is a ScheduleChangeOutcome",
    "booking.UsedCaptchaSolution": "the signature of a spent captcha, no person",
    "booking.ApiKey": "partner systems' keys",
    "consultations.AuditEvent": "who read which record when: staff, record ids and paths "
    "without query strings (no booking code, no client identity); kept for accountability "
    "and append-only by design",
    "directory.Offer": "public offers of organisations",
    "directory.OfferTranslation": "public offers of organisations",
    "directory.OfferChange": "who changed which public offer when: staff",
    "statistics.ConsultationFact": FIGURES,
    "statistics.WalkInFact": FIGURES,
    "statistics.StaffedMinutes": FIGURES,
    "statistics.DailyCount": FIGURES,
    "statistics.ReleaseRoundFact": FIGURES,
    "release.ReleaseRound": "a release round's pool, times and seed: configuration and "
    "public figures, nobody's request",
    "release.DrawRecord": "what a draw allocated from, for verify_draw: free pool time and "
    "request numbers with their acceptable days, no name, contact or consultation",
}
