import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import type { SupportNetworkFacts } from '../../../../../clinical/chart/chart-facts';
import { StatusChip, type StatusTone } from '../../../shared/ui/status-chip';

const CONSENT_TONE: Readonly<Record<string, StatusTone>> = {
  active: 'success',
  revoked: 'danger',
  expired: 'warning',
  missing: 'warning',
};

/**
 * "Care team and support network": counselor, prescriber, coordinator, peer specialist and the rest of the care
 * team; related persons (family, community-reinforcement supports) with their roles; the contingency-management
 * summary when enrolled; the 42 CFR Part 2 consent status and what it permits.
 */
@Component({
  selector: 'wp-network-panel',
  imports: [DatePipe, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let n = network();
    <h3 class="sub">Care team</h3>
    <ul class="events">
      @for (m of n.careTeam; track $index) {
        <li>
          <strong
            ><bdi>{{ m.member.display ?? m.member.reference }}</bdi></strong
          >
          <span class="muted">{{ m.roleDisplay }}</span>
        </li>
      } @empty {
        <li>No active care team.</li>
      }
    </ul>
    <h3 class="sub">Support network</h3>
    <ul class="events">
      @for (p of n.relatedPersons; track p.person.reference) {
        <li>
          <strong
            ><bdi>{{ p.name }}</bdi></strong
          >
          <span class="muted"
            ><bdi>{{ p.relationships.join(', ') || 'related person' }}</bdi
            >{{ p.careTeamRole ? ' · ' + p.careTeamRole : '' }}{{ p.active ? '' : ' · inactive' }}</span
          >
        </li>
      } @empty {
        <li class="muted">No family or community supports recorded.</li>
      }
    </ul>
    @if (n.cm; as cm) {
      <h3 class="sub">Contingency management</h3>
      <p>
        {{ cm.pointsEarned }} points earned{{
          cm.pointsPending ? ', ' + cm.pointsPending + ' pending' : ''
        }}
        · {{ cm.rewards }} rewards · current streak {{ cm.currentStreak }}
        @if (cm.lastReward; as last) {
          <span class="muted"
            >(last: {{ last.points }} points on {{ last.date | date: 'd MMM' : 'UTC' }})</span
          >
        }
      </p>
    }
    <h3 class="sub">42 CFR Part 2 consent</h3>
    <p class="consent">
      <wp-status-chip [label]="consentLabel()" [tone]="consentTone()" />
      <span>{{ n.consent.summary }}</span>
    </p>
  `,
  styleUrl: './chart-panel.scss',
  styles: `
    .consent {
      display: flex;
      align-items: center;
      gap: 10px;
      flex-wrap: wrap;
    }
  `,
})
export class NetworkPanel {
  readonly network = input.required<SupportNetworkFacts>();

  protected readonly consentLabel = computed(() => `consent ${this.network().consent.state}`);
  protected readonly consentTone = computed(() => CONSENT_TONE[this.network().consent.state] ?? 'neutral');
}
