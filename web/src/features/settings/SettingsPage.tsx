import { CaseTypesEditor } from "./CaseTypesEditor";
import { CustomFieldsEditor } from "./CustomFieldsEditor";
import { RecordsSettingsForm } from "./RecordsSettingsForm";

/** The tenant's records settings: each part loads and saves on its own, so one missing route never hides the others. */
export function SettingsPage() {
  return (
    <section aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">Records settings</h1>
      </div>
      <RecordsSettingsForm />
      <CaseTypesEditor />
      <CustomFieldsEditor />
    </section>
  );
}
