/** The delivery filters: campaign scope, case types, call direction, agents, lead scores and the match query. */
import { describedBy, Field, FieldError, type Setter } from "../../../ui/fields";
import { CAMPAIGN_CATEGORIES } from "../../catalog/catalog";
import type { FieldErrors } from "./numbers";
import { campaignScopeAllowed, type RoutingState } from "./routing";

export function FilterFields({
  state,
  set,
  errors,
  noun,
}: {
  state: RoutingState;
  set: Setter<RoutingState>;
  errors: FieldErrors;
  /** What the form creates ("webhook", "destination"). */
  noun: string;
}) {
  const campaignAllowed = campaignScopeAllowed(state);
  return (
    <>
      <fieldset className="field subsection" disabled={!campaignAllowed} aria-describedby="wh-campaign-note">
        <legend>Campaign</legend>
        <p id="wh-campaign-note" className={campaignAllowed ? "hint" : "note"}>
          {campaignAllowed
            ? "Deliver only events of these campaigns. Leave empty for every campaign."
            : `Campaign filters are available only while every picked event is a ${CAMPAIGN_CATEGORIES.join(", ").replace(/, ([^,]*)$/, " or $1")} event: only those events belong to a campaign, while messages, cases, forms and the rest reach the ${noun} whatever the campaign.`}
        </p>
        <div className="grid-2">
          <Field
            id="wh-campaign-id"
            label={`Campaign-scoped ${noun} (campaign id)`}
            optional
            error={errors.campaign}
          >
            <input
              id="wh-campaign-id"
              type="text"
              placeholder="cmp_…"
              value={state.campaignId}
              onChange={(e) => set("campaignId", e.target.value)}
            />
          </Field>
          <Field id="wh-campaign-ids" label="Campaign filter (ids, comma-separated)" optional>
            <input
              id="wh-campaign-ids"
              type="text"
              placeholder="cmp_spring_intake, cmp_mva"
              value={state.campaignIds}
              onChange={(e) => set("campaignIds", e.target.value)}
            />
          </Field>
        </div>
      </fieldset>

      <div className="grid-2">
        <Field
          id="wh-case-types"
          label="Case types"
          optional
          error={errors["filters.case_types"]}
          hint="Comma-separated, e.g. motor_vehicle, slip_and_fall. Empty: every case type."
        >
          <input
            id="wh-case-types"
            type="text"
            value={state.caseTypes}
            onChange={(e) => set("caseTypes", e.target.value)}
            aria-describedby="wh-case-types-hint"
          />
        </Field>
        <fieldset className="field">
          <legend>Call direction</legend>
          <div className="inline">
            <label className="choice">
              <input
                id="wh-dir-inbound"
                type="checkbox"
                checked={state.inbound}
                onChange={(e) => set("inbound", e.target.checked)}
              />
              <span>Inbound</span>
            </label>
            <label className="choice">
              <input
                type="checkbox"
                checked={state.outbound}
                onChange={(e) => set("outbound", e.target.checked)}
              />
              <span>Outbound</span>
            </label>
          </div>
          <p className="hint">None checked: both directions.</p>
          <FieldError id="wh-directions-error" error={errors["filters.directions"]} />
        </fieldset>
        <Field id="wh-agent-ids" label="AI agents (ids)" optional error={errors["filters.agent_ids"]}>
          <input
            id="wh-agent-ids"
            type="text"
            placeholder="agt_…"
            value={state.agentIds}
            onChange={(e) => set("agentIds", e.target.value)}
          />
        </Field>
        <Field id="wh-lead-scores" label="Lead scores" optional error={errors["filters.lead_scores"]}>
          <input
            id="wh-lead-scores"
            type="text"
            placeholder="hot, warm"
            value={state.leadScores}
            onChange={(e) => set("leadScores", e.target.value)}
          />
        </Field>
      </div>
      <Field
        id="wh-match"
        label="Match query (JSON)"
        optional
        error={errors["filters.match"]}
        hint={
          <>
            A MongoDB-style query over the delivery envelope, e.g.{" "}
            <code>{'{"data.duration": {"$gte": 60}}'}</code>.
          </>
        }
      >
        <textarea
          id="wh-match"
          rows={3}
          spellCheck={false}
          className="mono"
          value={state.match}
          onChange={(e) => set("match", e.target.value)}
          aria-describedby={describedBy("wh-match", errors["filters.match"], true)}
        />
      </Field>
    </>
  );
}
