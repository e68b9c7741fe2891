import { html, nothing, type TemplateResult } from "lit";
import { describeError } from "./errors.js";

/**
 * Why an action was refused, for people: the API's `detail`, and for validation errors each
 * failing field's message ("title: must not be empty").
 */
export interface FormProblem {
  message: string;
  fields: string[];
}

/** `message`, when given, is the failure in the widget's language (see `GkElement.errorMessage`). */
export function formProblem(error: unknown, message = describeError(error).message): FormProblem {
  const errors = (error as { errors?: unknown }).errors;
  const fields = Array.isArray(errors)
    ? errors.flatMap((e: { path?: unknown; message?: unknown }) =>
        typeof e?.message === "string"
          ? [`${typeof e.path === "string" && e.path ? `${e.path.replace(/^body\./, "")}: ` : ""}${e.message}`]
          : [],
      )
    : [];
  return { message, fields };
}

/** The refusal as an alert (part `form-error`), or nothing. */
export function renderFormProblem(problem: FormProblem | undefined): TemplateResult | typeof nothing {
  if (!problem) return nothing;
  return html`<div part="form-error" role="alert">
    <p>${problem.message}</p>
    ${problem.fields.length ? html`<ul>${problem.fields.map((f) => html`<li>${f}</li>`)}</ul>` : nothing}
  </div>`;
}
