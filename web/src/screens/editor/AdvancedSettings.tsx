// The editor's Advanced Settings card: one control per entry of SETTINGS (endpoint-form.tsx).
import { useId } from 'react';
import { SETTINGS, SettingField, type Drafts } from '../../endpoint-form.tsx';
import { SETTING_FEATURES, useFeatureVariables } from '../../portal.tsx';
import type { FieldErrors } from '../../ui.tsx';

export function AdvancedSettings(props: { drafts: Drafts; errors: FieldErrors; onChange(name: string, value: Drafts[string]): void }) {
  const id = useId();
  // A portal session's turned-off parts (custom headers, filter, transformation) are not shown.
  const on = useFeatureVariables();
  const settings = SETTINGS.filter((setting) => !(setting.name in SETTING_FEATURES) || on[SETTING_FEATURES[setting.name]!]);
  return (
    <section className="card span-2" aria-labelledby={`${id}-adv-h`}>
      <h2 id={`${id}-adv-h`}>Advanced Settings</h2>
      <div className="settings-grid">
        {settings.map((setting) => (
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
