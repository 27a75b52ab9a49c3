// Plain-text tables: titles and cells may hold names from captures and topology files
// (a bridge's interface name, a container's), so control bytes in either are escaped.
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/table.js';

describe('renderTable', () => {
  it('escapes control bytes in the title and the cells, and pads columns to the widest cell', () => {
    const lines = renderTable('Bridge br\u001b[31mX: forwarding database', ['mac', 'name'], [['02:42:ac:11:00:02', 'c\u00071'], ['aa', null]]);
    expect(lines.join('\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(lines).toEqual([
      'Bridge br\\x1b[31mX: forwarding database',
      'mac                name',
      '-----------------  ------',
      '02:42:ac:11:00:02  c\\x071',
      'aa                 -',
      '',
    ]);
  });
});
