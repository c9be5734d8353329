// Who is signed in; pages ask it whether to offer changes (the server checks again).
export const session = { me: null };

export const canEdit = () => (session.me?.admin_level ?? 0) >= 2;
export const isOwner = () => (session.me?.admin_level ?? 0) >= 3;
