import type { ServiceSpec } from '../world.js';
import { SeededRandom } from '../world/random.js';

/**
 * Who and what the sandbox's PagerDuty account holds: a team per estate team, two engineers on
 * each, one SRE who belongs to every team (the person Daytwo acts as), an escalation policy per
 * team, and a PagerDuty service per estate service. Everything is derived from the seed, so the
 * same estate always has the same ids.
 */

export interface Team {
  id: string;
  name: string;
}

export interface User {
  id: string;
  name: string;
  email: string;
  teamIds: string[];
}

export interface EscalationPolicy {
  id: string;
  name: string;
  teamId: string;
  /** Who the policy's first rule pages: the team's first engineer. */
  onCallUserId: string;
}

export interface Service {
  id: string;
  name: string;
  description: string;
  teamId: string;
  escalationPolicyId: string;
  /** The estate service it pages for, `cluster/namespace/name`. */
  estateServiceId: string;
  createdAt: number;
}

/** PagerDuty's object ids: "P" and six upper-case letters or digits (PIJ90N7, PT4KHLK …). */
export class PagerDutyIds {
  private readonly random: SeededRandom;
  private readonly issued = new Set<string>();

  constructor(seed: number, label: string) {
    this.random = new SeededRandom(seed).fork(`pagerduty-${label}`);
  }

  next(prefix = 'P', length = 6): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    for (;;) {
      let id = prefix;
      for (let i = 0; i < length; i++) id += alphabet[Math.floor(this.random.next() * alphabet.length)];
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }
}

const givenNames = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Radia', 'Leslie', 'Frances', 'Edsger', 'Hedy'];
const familyNames = ['Okafor', 'Lindqvist', 'Tanaka', 'Moreau', 'Novak', 'Haddad', 'Silva', 'Kowalski', 'Reyes', 'Byrne', 'Iyer', 'Chen'];

/** The email of the SRE the sandbox's API token belongs to; Daytwo sends it as `From`. */
export const OPERATOR_EMAIL = 'sre@daytwo.example';

export class Directory {
  readonly teams: Team[] = [];
  readonly users: User[] = [];
  readonly escalationPolicies: EscalationPolicy[] = [];
  readonly services: Service[] = [];
  readonly operator: User;

  constructor(seed: number, estateServices: readonly ServiceSpec[], createdAt: number) {
    const ids = new PagerDutyIds(seed, 'directory');
    const names = new SeededRandom(seed).fork('pagerduty-names');
    const teamNames = [...new Set(estateServices.map((s) => s.team))].sort();
    const teamByName = new Map<string, Team>();
    for (const name of teamNames) {
      const team = { id: ids.next(), name };
      this.teams.push(team);
      teamByName.set(name, team);
      const engineers: User[] = [];
      for (let i = 0; i < 2; i++) {
        const given = names.pick(givenNames);
        const family = names.pick(familyNames);
        const user = { id: ids.next(), name: `${given} ${family}`, email: `${given}.${family}.${name}@daytwo.example`.toLowerCase(), teamIds: [team.id] };
        engineers.push(user);
        this.users.push(user);
      }
      this.escalationPolicies.push({ id: ids.next(), name: `${name} on-call`, teamId: team.id, onCallUserId: (engineers[0] as User).id });
    }
    this.operator = { id: ids.next(), name: 'Sam Reliability', email: OPERATOR_EMAIL, teamIds: this.teams.map((t) => t.id) };
    this.users.push(this.operator);
    for (const spec of [...estateServices].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const team = teamByName.get(spec.team) as Team;
      const policy = this.escalationPolicies.find((p) => p.teamId === team.id) as EscalationPolicy;
      this.services.push({
        id: ids.next(),
        name: `${spec.name} (${spec.cluster})`,
        description: `Pages for ${spec.id}`,
        teamId: team.id,
        escalationPolicyId: policy.id,
        estateServiceId: spec.id,
        createdAt,
      });
    }
  }

  userByEmail(email: string): User | undefined {
    const wanted = email.trim().toLowerCase();
    return this.users.find((u) => u.email === wanted);
  }

  serviceForEstate(estateServiceId: string): Service | undefined {
    return this.services.find((s) => s.estateServiceId === estateServiceId);
  }
}
