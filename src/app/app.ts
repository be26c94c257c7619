import { ChangeDetectionStrategy, Component } from '@angular/core';

import { Shell } from './core/layout/shell';

@Component({
  selector: 'wp-root',
  imports: [Shell],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<wp-shell />`,
})
export class App {}
