import { type CalendarJob, type CreateCalendarEvent, type CreateCalendarJob, newId, type PageQuery } from "@gatherkit/core";
import { calendarJobs, calendarSyncRules } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { ApiError, notFound } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon, enqueue, task } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { loadClient, requireStaff, type Target } from "../access.js";
import { checkRecurrence, eventsPath, type GoogleEvent, toGoogle } from "../calendar-events/calendar-events.service.js";
import { requireWritable } from "../calendars/calendars.service.js";
import { calendarApi } from "../google.js";
import { googleEventIdFor, syncRule } from "../sync.js";

/**
 * Bulk jobs on a client's calendars: every sync rule again, or many events created or deleted.
 * Creating one stores its rows and queues a `job` task; each task works through the next
 * JOB_CHUNK rows, writes the progress and queues the next task (same key: one after another), so
 * a restart resumes where the last written progress left off. A row Google refuses (a calendar
 * the connection cannot write, an event already gone) fails alone, with its reason; Google being
 * busy or down retries the task; a connection that stopped working fails the job.
 */

type JobRow = typeof calendarJobs.$inferSelect;
type CreateRow = { calendarId: string; event: CreateCalendarEvent };
type DeleteRow = { calendarId: string; eventId: string };
/** A row of an .ics import: the event to write under its UID, or why the file's VEVENT cannot be one. */
export type ImportJobRow = { calendarId: string; uid: string; event?: CreateCalendarEvent; error?: string };

/** Rows one task works through. */
export const JOB_CHUNK = 20;
const MAX_FAILURES_KEPT = 200;
const STOPS_THE_JOB = new Set(["calendar_not_connected", "calendar_connection_invalid", "calendars_not_configured"]);

const jobTask = (jobId: string) => task({ domain: "calendars", name: "job", key: jobId, data: { jobId } });

function toJob(r: JobRow): CalendarJob {
  return {
    id: r.id,
    clientId: r.clientId,
    kind: r.kind,
    status: r.status,
    total: r.total,
    processed: r.processed,
    succeeded: r.succeeded,
    failed: r.processed - r.succeeded,
    failures: r.failures,
    error: r.error,
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
    finishedAt: r.finishedAt === null ? null : toIso(r.finishedAt),
  };
}

export async function createJob(deps: Deps, caller: Caller | null, clientId: string, input: CreateCalendarJob): Promise<CalendarJob> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await loadClient(deps, caller, clientId);
  let items: unknown[];
  if (input.kind === "resync") {
    const rules = await deps.db
      .select({ id: calendarSyncRules.id })
      .from(calendarSyncRules)
      .where(and(eq(calendarSyncRules.clientId, clientId), eq(calendarSyncRules.orgId, staff.orgId)));
    items = rules.map((r) => r.id);
  } else if (input.kind === "create_events") {
    // Bad recurrence is refused up front, like a single create (400 with the row's path), nothing queued.
    for (const [i, row] of input.events.entries()) {
      try {
        checkRecurrence(row.event);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const errors = (err.extra.errors ?? []).map((e) => ({ ...e, path: e.path.replace(/^body\./, `body.events.${i}.event.`) }));
        throw new ApiError(err.status, err.code, errors.map((e) => `${e.path}: ${e.message}`).join("; ") || err.detail, { errors });
      }
    }
    items = input.events;
  } else {
    items = input.events;
  }
  return insertJob(deps, staff.orgId, clientId, input.kind, items);
}

/** Stores a job with its rows and queues its first task (a job without rows is done at once). */
export async function insertJob(deps: Deps, orgId: string, clientId: string, kind: JobRow["kind"], items: unknown[]): Promise<CalendarJob> {
  const now = deps.now();
  const row: JobRow = {
    id: newId("calendarJob"),
    orgId,
    clientId,
    kind,
    status: items.length ? "queued" : "done",
    items,
    total: items.length,
    processed: 0,
    succeeded: 0,
    failures: [],
    error: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: items.length ? null : now,
  };
  const job = toJob(row);
  // Both routes that store a job answer it with 202: sealed with the write.
  answerOnCommit(deps, 202, job);
  await deps.db.batch([
    deps.db.insert(calendarJobs).values(row),
    ...(items.length ? [enqueue(deps.db, jobTask(row.id), { orgId, now })] : []),
  ]);
  if (items.length) deliverSoon(deps);
  return job;
}

export async function getJob(deps: Deps, caller: Caller | null, clientId: string, jobId: string): Promise<CalendarJob> {
  const client = await loadClient(deps, caller, clientId);
  const [row] = await deps.db
    .select()
    .from(calendarJobs)
    .where(and(eq(calendarJobs.id, jobId), eq(calendarJobs.clientId, clientId), eq(calendarJobs.orgId, client.orgId)))
    .limit(1);
  if (!row) throw notFound("Job");
  return toJob(row);
}

export async function listJobs(deps: Deps, caller: Caller | null, clientId: string, page: PageQuery) {
  const client = await loadClient(deps, caller, clientId);
  return paginate(
    calendarJobs,
    page,
    (p) =>
      deps.db
        .select()
        .from(calendarJobs)
        .where(and(eq(calendarJobs.clientId, clientId), eq(calendarJobs.orgId, client.orgId), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toJob,
  );
}

/** One row of a job; throws what fails it (an ApiError) or what should retry the task. */
async function runRow(deps: Deps, job: JobRow, index: number): Promise<void> {
  const t: Target = { orgId: job.orgId, clientId: job.clientId };
  const item = job.items[index];
  if (job.kind === "resync") {
    await syncRule(deps, String(item));
    return;
  }
  if (job.kind === "create_events") {
    const { calendarId, event } = item as CreateRow;
    await requireWritable(deps, t, calendarId);
    // The row's own event id: a retry after a lost answer finds its event (409) instead of making a second.
    const id = await googleEventIdFor(job.id, String(index));
    try {
      await calendarApi<GoogleEvent>(deps, t.orgId, t.clientId, "POST", eventsPath(calendarId), {
        query: { sendUpdates: "none" },
        body: { ...toGoogle(event), id },
        notFound: "Calendar",
      });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "conflict")) throw err;
    }
    return;
  }
  if (job.kind === "import_ics") {
    const { calendarId, uid, event, error } = item as ImportJobRow;
    if (error || !event) throw new ApiError(422, "ics_invalid", error ?? "This event of the file could not be read.");
    await requireWritable(deps, t, calendarId);
    // The UID's own event id on this calendar: importing the file again updates, not duplicates.
    const id = await googleEventIdFor(`import:${job.clientId}:${calendarId}`, uid);
    try {
      await calendarApi<GoogleEvent>(deps, t.orgId, t.clientId, "POST", eventsPath(calendarId), {
        query: { sendUpdates: "none" },
        body: { ...toGoogle(event), id },
        notFound: "Calendar",
      });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "conflict")) throw err;
      await calendarApi<GoogleEvent>(deps, t.orgId, t.clientId, "PATCH", `${eventsPath(calendarId)}/${id}`, {
        query: { sendUpdates: "none" },
        body: { ...toGoogle(event), status: "confirmed" },
        notFound: "Event",
      });
    }
    return;
  }
  const { calendarId, eventId } = item as DeleteRow;
  await requireWritable(deps, t, calendarId);
  try {
    await calendarApi(deps, t.orgId, t.clientId, "DELETE", `${eventsPath(calendarId)}/${encodeURIComponent(eventId)}`, {
      query: { sendUpdates: "none" },
      notFound: "Event",
    });
  } catch (err) {
    // Deleted already (by this row before a restart, or by someone at Google): what was asked holds.
    if (!(err instanceof ApiError && err.code === "calendar_event_gone")) throw err;
  }
}

/** The `job` task: the next chunk of rows, its progress written, and the next task queued. */
export async function runJobTask(deps: Deps, jobId: string): Promise<void> {
  const [job] = await deps.db.select().from(calendarJobs).where(eq(calendarJobs.id, jobId)).limit(1);
  if (!job || job.status === "done" || job.status === "failed") return;
  let { processed, succeeded } = job;
  const failures = [...job.failures];
  let error: string | null = null;
  const save = async (status: JobRow["status"]) => {
    const now = deps.now();
    const finished = status === "done" || status === "failed";
    await deps.db.batch([
      deps.db
        .update(calendarJobs)
        .set({ status, processed, succeeded, failures, error, updatedAt: now, ...(finished && { finishedAt: now }) })
        .where(eq(calendarJobs.id, jobId)),
      ...(finished ? [] : [enqueue(deps.db, jobTask(jobId), { orgId: job.orgId, now })]),
    ]);
  };
  const end = Math.min(job.total, processed + JOB_CHUNK);
  for (; processed < end; ) {
    try {
      await runRow(deps, job, processed);
      succeeded++;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 429 || err.status >= 500) {
        // Google busy or down: keep what is done so far, and let the outbox retry this task.
        if (processed > job.processed)
          await deps.db
            .update(calendarJobs)
            .set({ status: "running", processed, succeeded, failures, updatedAt: deps.now() })
            .where(eq(calendarJobs.id, jobId));
        throw err;
      }
      if (STOPS_THE_JOB.has(err.code)) {
        error = `${err.code}: ${err.detail}`;
        await save("failed");
        return;
      }
      if (failures.length < MAX_FAILURES_KEPT) failures.push({ index: processed, code: err.code, detail: err.detail });
    }
    processed++;
  }
  await save(processed >= job.total ? "done" : "running");
  if (processed < job.total) deliverSoon(deps);
}
