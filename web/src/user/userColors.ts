/**
 * The colours people can pick. Each is dark enough for white text (caret
 * labels, avatar initials) at WCAG AA contrast (≥ 4.5:1) and distinct from
 * its neighbours.
 */
export const USER_COLORS: readonly { name: string; value: string }[] = [
  { name: 'Red', value: '#c62828' },
  { name: 'Orange', value: '#b45309' },
  { name: 'Green', value: '#2e7d32' },
  { name: 'Teal', value: '#00796b' },
  { name: 'Blue', value: '#1565c0' },
  { name: 'Indigo', value: '#4338ca' },
  { name: 'Purple', value: '#7b1fa2' },
  { name: 'Pink', value: '#ad1457' },
];
