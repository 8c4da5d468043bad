import { FIRST_NAMES, LAST_NAMES, phoneKey, seeded } from "./shared.js";

/**
 * What a local Filevine org holds, in the shapes of Filevine's v2 OpenAPI definitions (Project,
 * Contact, Phase, CustomSection with `{Native}` identifiers): the HTTP side is in filevine.ts. Every
 * change moves the project's `LastActivity` / the contact's `ModifiedDate`, as Filevine does.
 */

type Json = Record<string, unknown>;

export const FILEVINE_ORG_ID = 6355;

export const FILEVINE_PROJECT_TYPES = [
  {
    id: 31,
    name: "Personal Injury",
    phases: [
      [401, "Intake"],
      [402, "Treatment"],
      [403, "Demand"],
      [404, "Litigation"],
    ],
  },
  {
    id: 32,
    name: "Workers Comp",
    phases: [
      [411, "Claim Filed"],
      [412, "Hearing"],
    ],
  },
] as const;

function ident(native: number): { Native: number } {
  return { Native: native };
}

export class FilevineRecords {
  readonly projects = new Map<number, Json>();
  readonly contacts = new Map<number, Json>();
  /** Section selector → form values, per project id. */
  readonly forms = new Map<number, Record<string, Json>>();
  private nextId = 50_000;
  private clock = Date.now() - 86_400_000;

  /** A strictly increasing time, so feeds by time see every change. */
  private now(): string {
    this.clock = Math.max(this.clock + 1, Date.now());
    return new Date(this.clock).toISOString();
  }

  /** Applies a Contact body as Filevine does: lists given are replaced, each entry gets its id. */
  saveContact(contact: Json, body: Json): void {
    for (const name of ["FirstName", "MiddleName", "LastName", "BirthDate"])
      if (name in body) contact[name] = body[name];
    if (Array.isArray(body.Phones))
      contact.Phones = (body.Phones as Json[]).map((p) => ({
        PhoneId: ident(++this.nextId),
        IsSmsable: false,
        IsFaxable: false,
        ...p,
        RawNumber: phoneKey(String(p.Number ?? "")),
      }));
    if (Array.isArray(body.Emails)) {
      contact.Emails = (body.Emails as Json[]).map((e) => ({ EmailId: ident(++this.nextId), ...e }));
      contact.PrimaryEmail = (contact.Emails as Json[])[0]?.Address ?? null;
    }
    if (Array.isArray(body.Addresses))
      contact.Addresses = (body.Addresses as Json[]).map((a) => ({ AddressId: ident(++this.nextId), ...a }));
    contact.FullName = [contact.FirstName, contact.LastName].filter(Boolean).join(" ");
    contact.ModifiedDate = this.now();
    this.contacts.set(Number((contact.PersonId as Json).Native), contact);
  }

  createContact(body: Json): Json {
    const contact: Json = {
      PersonId: ident(++this.nextId),
      PersonTypes: body.PersonTypes ?? ["Client"],
      Phones: [],
      Emails: [],
      Addresses: [],
    };
    this.saveContact(contact, body);
    return contact;
  }

  touch(project: Json): void {
    project.LastActivity = this.now();
  }

  createProject(body: Json): Json {
    const id = ++this.nextId;
    const type = FILEVINE_PROJECT_TYPES.find((t) => t.id === Number((body.ProjectTypeId as Json).Native));
    const clientContact = this.contacts.get(Number((body.ClientId as Json).Native)) ?? {};
    const phaseId = Number((body.PhaseId as Json | undefined)?.Native ?? type?.phases[0][0]);
    const project: Json = {
      ProjectId: ident(id),
      ProjectTypeId: ident(type?.id ?? 0),
      ClientId: body.ClientId,
      ClientFirstName: clientContact.FirstName,
      ClientLastName: clientContact.LastName,
      ClientName: clientContact.FullName,
      ProjectName: body.ProjectName,
      Description: body.Description,
      Number: body.Number,
      IncidentDate: body.IncidentDate,
      CreatedDate: this.now(),
      IsArchived: false,
      OrgId: FILEVINE_ORG_ID,
    };
    this.setPhase(project, phaseId);
    this.touch(project);
    this.projects.set(id, project);
    this.forms.set(id, { intake: {} });
    return project;
  }

  /** Moves the project to a phase of its own project type; false for any other phase. */
  setPhase(project: Json, phaseId: number): boolean {
    const type = FILEVINE_PROJECT_TYPES.find((t) => t.id === (project.ProjectTypeId as Json).Native);
    const phase = type?.phases.find(([id]) => id === phaseId);
    if (!phase) return false;
    project.PhaseId = ident(phase[0]);
    project.PhaseName = phase[1];
    project.PhaseDate = this.now();
    return true;
  }

  /** `count` people, each the client of one Personal Injury project (deterministic). */
  seed(count: number): void {
    const random = seeded(count);
    for (let i = 0; i < count; i++) {
      const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)] ?? "Ana";
      const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)] ?? "Alvarez";
      const contact = this.createContact({
        FirstName: first,
        LastName: last,
        Phones: [{ Number: `+1720555${String(i).padStart(4, "0")}`, Label: "Mobile" }],
        Emails: [{ Address: `${first}.${last}.${i}@example.com`.toLowerCase(), Label: "Personal" }],
      });
      this.createProject({
        ProjectTypeId: ident(31),
        ClientId: contact.PersonId,
        ProjectName: `${first} ${last} v. Acme`,
      });
    }
  }

  checkProject(body: Json, create: boolean): string | null {
    const type = body.ProjectTypeId as Json | undefined;
    if (create && !FILEVINE_PROJECT_TYPES.some((t) => t.id === Number(type?.Native)))
      return `Invalid ProjectTypeId: ${String(type?.Native)}`;
    if (create && !this.contacts.has(Number((body.ClientId as Json | undefined)?.Native)))
      return "ClientId must name an existing contact";
    return null;
  }
}
