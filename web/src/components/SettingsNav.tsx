// The sections of Settings: API keys and the audit log, the program's settings and branding, its
// policies, console users, webhooks, background jobs.
import { NavLink } from 'react-router';

export function SettingsNav() {
  return (
    <nav aria-label="Settings sections" className="subnav">
      <NavLink to="/settings" end>
        API keys and audit log
      </NavLink>
      <NavLink to="/settings/program">Program</NavLink>
      <NavLink to="/settings/policies">Policies</NavLink>
      <NavLink to="/settings/users">Users</NavLink>
      <NavLink to="/settings/webhooks">Webhooks</NavLink>
      <NavLink to="/settings/jobs">Jobs</NavLink>
    </nav>
  );
}
