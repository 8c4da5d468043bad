/** The credential inputs of the chosen authentication type. */
import { Field, type Setter } from "../../../ui/fields";
import type { FormState } from "./state";

export function AuthFields({ state, set }: { state: FormState; set: Setter<FormState> }) {
  switch (state.authType) {
    case "none":
      return null;
    case "api_key":
      return (
        <div className="grid-2">
          <Field id="wh-auth-header" label="Header name">
            <input
              id="wh-auth-header"
              type="text"
              value={state.authHeader}
              onChange={(e) => set("authHeader", e.target.value)}
            />
          </Field>
          <Field id="wh-auth-value" label="API key">
            <input
              id="wh-auth-value"
              type="password"
              autoComplete="off"
              value={state.authValue}
              onChange={(e) => set("authValue", e.target.value)}
            />
          </Field>
        </div>
      );
    case "basic":
      return (
        <div className="grid-2">
          <Field id="wh-auth-username" label="User name">
            <input
              id="wh-auth-username"
              type="text"
              autoComplete="off"
              value={state.authUsername}
              onChange={(e) => set("authUsername", e.target.value)}
            />
          </Field>
          <Field id="wh-auth-password" label="Password">
            <input
              id="wh-auth-password"
              type="password"
              autoComplete="off"
              value={state.authPassword}
              onChange={(e) => set("authPassword", e.target.value)}
            />
          </Field>
        </div>
      );
    case "bearer":
      return (
        <Field id="wh-auth-token" label="Bearer token">
          <input
            id="wh-auth-token"
            type="password"
            autoComplete="off"
            value={state.authToken}
            onChange={(e) => set("authToken", e.target.value)}
          />
        </Field>
      );
  }
}
