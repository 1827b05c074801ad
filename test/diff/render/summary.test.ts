import { summaryText } from '../../../src/diff/render/summary.js';

describe('summaryText', () => {
  it('counts adds, changes, removes and unchanged objects', () => {
    expect(summaryText({ add: 1, change: 2, remove: 0, unchanged: 5 })).toBe('1 to add, 2 to change, 0 to remove, 5 unchanged');
  });

  it('says so when nothing changes', () => {
    expect(summaryText({ add: 0, change: 0, remove: 0, unchanged: 3 })).toBe('no changes, 3 unchanged');
  });
});
