import type { LitElement } from "lit";
import { describe, fieldErrors } from "./api.js";
import { formValues } from "./ui.js";

/**
 * A form's state for a page: field errors as the organizer types (the browser's own checks:
 * required, email, length) and the API's field errors after submitting, a general error, and
 * "busy" while the request runs so the button can say so.
 */
export class FormState {
  errors: Record<string, string> = {};
  error = "";
  busy = false;

  constructor(private readonly host: LitElement) {}

  /** `@input` and `@focusout` on the form: re-checks the field that changed, once it was touched. */
  readonly check = (e: Event): void => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) return;
    if (e.type === "input" && !(input.name in this.errors)) return;
    const { [input.name]: _, ...rest } = this.errors;
    this.errors = input.validity.valid ? rest : { ...rest, [input.name]: input.validationMessage };
    this.host.requestUpdate();
  };

  /**
   * For a rule over several fields (an end after its start): `input`, whose validity another
   * field's change just set, shows or clears its message as well — when the organizer leaves a
   * field, or at once when it already shows one.
   */
  recheck(e: Event, input: HTMLInputElement | null | undefined): void {
    if (!input || input === e.target || (e.type === "input" && !(input.name in this.errors))) return;
    const { [input.name]: _, ...rest } = this.errors;
    this.errors = input.validity.valid ? rest : { ...rest, [input.name]: input.validationMessage };
    this.host.requestUpdate();
  }

  /** Runs `action` with the form's values; a refusal fills in the errors. Answers whether it succeeded. */
  async submit(e: SubmitEvent, action: (values: Record<string, string>) => Promise<void>): Promise<boolean> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    if (!form.checkValidity()) {
      this.errors = Object.fromEntries(
        [...form.elements]
          .filter((el): el is HTMLInputElement => el instanceof HTMLInputElement && !el.validity.valid)
          .map((el) => [el.name, el.validationMessage]),
      );
      this.host.requestUpdate();
      form.querySelector<HTMLInputElement>("[aria-invalid=true], :invalid")?.focus();
      return false;
    }
    this.busy = true;
    this.error = "";
    this.errors = {};
    this.host.requestUpdate();
    try {
      await action(formValues(form));
      return true;
    } catch (err) {
      this.errors = fieldErrors(err);
      this.error = describe(err);
      return false;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }
}
