/** Moves focus to an input by id once its error has rendered (the form's status box when it is gone). */
export function focusInput(id: string | undefined): void {
  requestAnimationFrame(() => {
    const element = (id && document.getElementById(id)) || document.getElementById("form-status");
    element?.focus();
    element?.scrollIntoView({ block: "center" });
  });
}
