"""Every write to accounts: logins and their second factor, enrolment, API tokens,
organisations and memberships. Each action checks its permission and is audited.

By topic: ``login`` (password, second factor, API tokens), ``two_factor`` (enrolment,
backup codes), ``users`` (accounts and passwords), ``organisations``, ``members``
(memberships and roles), ``role_grants`` (four-eyes requests for roles that read
reports), ``role_notices`` (the e-mails about them). Callers keep importing
``victory.accounts.services``; names starting with ``_`` are shared between these
modules only.
"""

# Views catch the throttle's refusal as services.Throttled, as they always have.
from victory.core.ratelimit import Throttled as Throttled

from .login import ACCOUNT_THROTTLE as ACCOUNT_THROTTLE
from .login import BACKUP_DEVICE_NAME as BACKUP_DEVICE_NAME
from .login import CLIENT_THROTTLE as CLIENT_THROTTLE
from .login import AuthenticationFailed as AuthenticationFailed
from .login import api_token_issue as api_token_issue
from .login import api_token_user as api_token_user
from .login import api_tokens_prune_expired as api_tokens_prune_expired
from .login import has_confirmed_totp as has_confirmed_totp
from .login import password_check as password_check
from .login import second_factor_check as second_factor_check
from .members import ROLE_GRANT_REASON_MAX_CHARS as ROLE_GRANT_REASON_MAX_CHARS
from .members import member_add as member_add
from .members import member_change_role as member_change_role
from .members import member_remove as member_remove
from .organisations import organisation_create as organisation_create
from .organisations import organisation_public_profile_set as organisation_public_profile_set
from .organisations import organisation_update as organisation_update
from .organisations import validate_languages as validate_languages
from .role_grants import role_grant_approve as role_grant_approve
from .role_grants import role_grant_refuse as role_grant_refuse
from .role_notices import PLATFORM_ADMIN_CREATED_NOTICE as PLATFORM_ADMIN_CREATED_NOTICE
from .role_notices import ROLE_NOTICES as ROLE_NOTICES
from .role_notices import ROLE_WATCHER_ROLES as ROLE_WATCHER_ROLES
from .role_notices import WHO_AND_WHY as WHO_AND_WHY
from .role_notices import WHO_HAS_WHICH_ROLE as WHO_HAS_WHICH_ROLE
from .role_notices import Notice as Notice
from .role_notices import organisation_admin_added_notice_send as organisation_admin_added_notice_send
from .role_notices import platform_admin_created_notice_send as platform_admin_created_notice_send
from .role_notices import role_grant_notice_send as role_grant_notice_send
from .role_notices import role_lost_notice_send as role_lost_notice_send
from .two_factor import TWO_FACTOR_NOTICE_EMAILS as TWO_FACTOR_NOTICE_EMAILS
from .two_factor import AlreadyEnrolled as AlreadyEnrolled
from .two_factor import backup_codes_regenerate as backup_codes_regenerate
from .two_factor import totp_device_create_confirmed as totp_device_create_confirmed
from .two_factor import totp_enrolment_confirm as totp_enrolment_confirm
from .two_factor import totp_enrolment_start as totp_enrolment_start
from .two_factor import two_factor_notice_email_send as two_factor_notice_email_send
from .users import PASSWORD_LINK_EMAILS as PASSWORD_LINK_EMAILS
from .users import PASSWORD_RESET_THROTTLE as PASSWORD_RESET_THROTTLE
from .users import password_link as password_link
from .users import password_link_email_send as password_link_email_send
from .users import password_reset_email_send as password_reset_email_send
from .users import password_reset_request as password_reset_request
from .users import user_create as user_create
from .users import user_password_reset as user_password_reset
from .users import user_set_password as user_set_password
from .users import user_update as user_update
