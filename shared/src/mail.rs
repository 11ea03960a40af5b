//! What Segnala sends by email: the kinds of message, and the notifications a person can turn off.

use serde::{Deserialize, Serialize};

use crate::locale::Locale;

/// Optional notifications. Each is on by default and can be turned off on "La mia pagina" or with the one-click
/// unsubscribe link every such message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "notification_kind", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Every public step of the reports I sent.
    MyReports,
    /// Every public step of reports I follow or support.
    FollowedReports,
    /// New comments on reports I sent or follow.
    Comments,
    /// Staff: reports assigned to me or to my offices.
    Assignments,
    /// Staff: the monthly and annual reports.
    PeriodicReports,
    /// The questionnaire after one of my reports is resolved.
    Satisfaction,
    /// Staff: new reports for my offices (at once or in the office's daily digest).
    NewReports,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 7] = [
        Self::MyReports,
        Self::FollowedReports,
        Self::Comments,
        Self::Assignments,
        Self::PeriodicReports,
        Self::Satisfaction,
        Self::NewReports,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MyReports => "my_reports",
            Self::FollowedReports => "followed_reports",
            Self::Comments => "comments",
            Self::Assignments => "assignments",
            Self::PeriodicReports => "periodic_reports",
            Self::Satisfaction => "satisfaction",
            Self::NewReports => "new_reports",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Only staff receive these.
    pub fn staff_only(self) -> bool {
        matches!(self, Self::Assignments | Self::PeriodicReports | Self::NewReports)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Self::MyReports, Locale::It) => "Aggiornamenti sulle mie segnalazioni",
            (Self::MyReports, Locale::En) => "Updates on my reports",
            (Self::FollowedReports, Locale::It) => "Aggiornamenti sulle segnalazioni che seguo o sostengo",
            (Self::FollowedReports, Locale::En) => "Updates on reports I follow or support",
            (Self::Comments, Locale::It) => "Nuovi commenti sulle segnalazioni che seguo",
            (Self::Comments, Locale::En) => "New comments on reports I follow",
            (Self::Assignments, Locale::It) => "Segnalazioni assegnate a me o ai miei uffici",
            (Self::Assignments, Locale::En) => "Reports assigned to me or my offices",
            (Self::PeriodicReports, Locale::It) => "Rapporti mensili e annuali",
            (Self::PeriodicReports, Locale::En) => "Monthly and annual reports",
            (Self::Satisfaction, Locale::It) => "Questionario di gradimento dopo la risoluzione",
            (Self::Satisfaction, Locale::En) => "Satisfaction questionnaire after resolution",
            (Self::NewReports, Locale::It) => "Nuove segnalazioni dei miei uffici",
            (Self::NewReports, Locale::En) => "New reports for my offices",
        }
    }
}

/// Every kind of message Segnala writes. Each has a template in both languages (`backend::mail::templates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "mail_kind", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// "Confirm your address" after registering.
    ConfirmAccount,
    /// Someone tried to register an address that already has an account (sent instead of a confirmation, so the
    /// registration form never tells whether an address is registered).
    AlreadyRegistered,
    /// A link to choose a new password.
    PasswordReset,
    /// The password was changed: every other session was ended.
    PasswordChanged,
    /// Confirm an address for one action, without an account.
    ConfirmAction,
    /// Two-step verification was turned on or off.
    TwoFactorChanged,
    /// An administrator's test of the mail settings.
    Test,
    /// A report was received: its receipt code, the office and the expected answer date.
    ReportReceipt,
    /// A public step of a report one sent, follows or supports (taken in charge, an update, resolved…).
    ReportUpdate,
    /// A report was assigned to the recipient, their office or their company.
    ReportAssigned,
    /// A new comment on a report one sent, follows, or is working on.
    ReportComment,
    /// Some days after resolution: how did it go? (a one-use link to the questionnaire).
    SatisfactionSurvey,
    /// The reporter said a resolved report is not solved: it was reopened (to its office).
    ReportReopened,
    /// A monthly or annual report was written (to the administration's recipients).
    PeriodReport,
    /// An administrator invited the recipient to work on the service: a link to choose their password.
    StaffInvitation,
    /// A citizen's account was given a staff role.
    RoleGranted,
    /// A new report reached the recipient's office.
    NewReport,
    /// The day's new reports of the recipient's office.
    NewReportsDigest,
}

impl MailKind {
    pub const ALL: [MailKind; 18] = [
        Self::ConfirmAccount,
        Self::AlreadyRegistered,
        Self::PasswordReset,
        Self::PasswordChanged,
        Self::ConfirmAction,
        Self::TwoFactorChanged,
        Self::Test,
        Self::ReportReceipt,
        Self::ReportUpdate,
        Self::ReportAssigned,
        Self::ReportComment,
        Self::SatisfactionSurvey,
        Self::ReportReopened,
        Self::PeriodReport,
        Self::StaffInvitation,
        Self::RoleGranted,
        Self::NewReport,
        Self::NewReportsDigest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConfirmAccount => "confirm_account",
            Self::AlreadyRegistered => "already_registered",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::ConfirmAction => "confirm_action",
            Self::TwoFactorChanged => "two_factor_changed",
            Self::Test => "test",
            Self::ReportReceipt => "report_receipt",
            Self::ReportUpdate => "report_update",
            Self::ReportAssigned => "report_assigned",
            Self::ReportComment => "report_comment",
            Self::SatisfactionSurvey => "satisfaction_survey",
            Self::ReportReopened => "report_reopened",
            Self::PeriodReport => "period_report",
            Self::StaffInvitation => "staff_invitation",
            Self::RoleGranted => "role_granted",
            Self::NewReport => "new_report",
            Self::NewReportsDigest => "new_reports_digest",
        }
    }

    /// The notification a message belongs to, which its unsubscribe link turns off; `None` for account and
    /// security messages, which are always sent (their unsubscribe link turns off every notification instead).
    pub fn notification(self) -> Option<NotificationKind> {
        match self {
            // The reporter's own reports have their own switch: `backend::mail::Message::notification`.
            Self::ReportUpdate => Some(NotificationKind::FollowedReports),
            Self::ReportAssigned => Some(NotificationKind::Assignments),
            Self::ReportComment => Some(NotificationKind::Comments),
            Self::SatisfactionSurvey => Some(NotificationKind::Satisfaction),
            Self::PeriodReport => Some(NotificationKind::PeriodicReports),
            Self::NewReport | Self::NewReportsDigest => Some(NotificationKind::NewReports),
            _ => None,
        }
    }
}

/// Where a message of the outbox is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "mail_status", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Waiting to be sent (or to be retried).
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// Given up after the last retry, or refused permanently by the SMTP server.
    Failed,
    /// Not sent: the recipient turned this notification off.
    Suppressed,
}

impl MailStatus {
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Self::Pending, Locale::It) => "in attesa",
            (Self::Pending, Locale::En) => "pending",
            (Self::Sent, Locale::It) => "inviato",
            (Self::Sent, Locale::En) => "sent",
            (Self::Failed, Locale::It) => "non recapitabile",
            (Self::Failed, Locale::En) => "failed",
            (Self::Suppressed, Locale::It) => "non inviato (disiscritto)",
            (Self::Suppressed, Locale::En) => "not sent (unsubscribed)",
        }
    }
}

/// One line of the development mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailSummary {
    pub id: crate::ids::MailId,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_error: Option<String>,
}

/// One message in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailDetail {
    pub summary: MailSummary,
    pub message_id: String,
    pub locale: Locale,
    pub body_text: String,
    pub body_html: String,
    pub unsubscribe_url: String,
    pub smtp_reply: Option<String>,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
}

/// A page of the mailbox, newest first; `next` continues after the last line (keyset paging).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailPage {
    pub items: Vec<MailSummary>,
    pub next: Option<crate::ids::MailId>,
    pub counts: Vec<(MailStatus, i64)>,
    /// Whether an SMTP server is configured (else nothing is sent).
    pub smtp: bool,
    pub now: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_names_and_labels() {
        for k in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(k.as_str()), Some(k));
            assert_ne!(k.label(Locale::It), k.label(Locale::En));
        }
        assert_eq!(NotificationKind::parse("spam"), None);
        let names: std::collections::HashSet<_> = MailKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), MailKind::ALL.len());
    }
}
