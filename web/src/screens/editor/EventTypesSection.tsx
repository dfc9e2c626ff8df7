// The editor's Event Types card: the catalog's checklist with Select All / Deselect All.
import { useId } from 'react';
import { EventTypePicker, type CatalogType } from '../../endpoint-form.tsx';

export function EventTypesSection(props: { catalog: readonly CatalogType[]; selected: string[]; errors?: string[]; onChange(selected: string[]): void }) {
  const { catalog, onChange } = props;
  const id = useId();
  return (
    <section className="card span-2" aria-labelledby={`${id}-types-h`}>
      <div className="section-head">
        <h2 id={`${id}-types-h`}>Event Types</h2>
        <div className="actions">
          <button type="button" className="button small" onClick={() => onChange(catalog.map((t) => t.name))}>
            Select All
          </button>
          <button type="button" className="button small" onClick={() => onChange([])}>
            Deselect All
          </button>
        </div>
      </div>
      <p className="help">Toggle which events trigger this webhook; at least one must stay selected.</p>
      <EventTypePicker catalog={catalog} selected={props.selected} onChange={onChange} errors={props.errors} legend="Subscribed event types" />
    </section>
  );
}
