// The editor's Advanced Settings card: one control per entry of SETTINGS (endpoint-form.tsx).
import { useId } from 'react';
import { SETTINGS, SettingField, type Drafts } from '../../endpoint-form.tsx';
import type { FieldErrors } from '../../ui.tsx';

export function AdvancedSettings(props: { drafts: Drafts; errors: FieldErrors; onChange(name: string, value: Drafts[string]): void }) {
  const id = useId();
  return (
    <section className="card span-2" aria-labelledby={`${id}-adv-h`}>
      <h2 id={`${id}-adv-h`}>Advanced Settings</h2>
      <div className="settings-grid">
        {SETTINGS.map((setting) => (
          <SettingField
            key={setting.name}
            setting={setting}
            value={props.drafts[setting.name]!}
            onChange={(value) => props.onChange(setting.name, value)}
            errors={props.errors[setting.name]}
          />
        ))}
      </div>
    </section>
  );
}
