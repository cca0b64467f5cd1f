// A few line icons (24×24, currentColor), drawn here so nothing is fetched at run time.
const icon = (d: string) => (
  <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
    <path d={d} />
  </svg>
);

export const icons = {
  endpoints: icon('M4 12h6m4 0h6M10 12a2 2 0 1 0 4 0 2 2 0 1 0-4 0M4 6h16M4 18h16'),
  events: icon('M4 5h16M4 10h16M4 15h10M4 20h7'),
  types: icon('M8 4 4 8l4 4M16 12l4 4-4 4M14 4l-4 16'),
  shield: icon('M12 3 5 6v6c0 4.5 3 7.5 7 9 4-1.5 7-4.5 7-9V6l-7-3Zm-3 9 2 2 4-4'),
  apps: icon('M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z'),
  dead: icon('M12 3a7 7 0 0 0-7 7v4l-1 6h16l-1-6v-4a7 7 0 0 0-7-7ZM9 11h.01M15 11h.01M10 16h4'),
  health: icon('M3 12h4l2-5 4 10 2-5h6'),
  system: icon('M4 19V9m5 10V5m5 14v-7m5 7V8'),
};
