// Who is signed in; pages ask it whether to offer changes (the server checks again).
export const session = { me: null };

export const canEdit = () => (session.me?.admin_level ?? 0) >= 2;
export const isOwner = () => (session.me?.admin_level ?? 0) >= 3;

// What the open page would lose if left: null, or a function returning a sentence saying what (main.js asks first).
export const leaving = { loses: null };
