import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { endSession, setSessionNotice } from './session';

/** Signs out on the server, forgets the session here and goes to the sign-in page with a notice. */
export function useSignOut(): { signOut: () => Promise<void>; signingOut: boolean } {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);
  const signOut = async () => {
    setSigningOut(true);
    // Signed out locally either way; the server session times out by itself.
    await api.delete('/session').catch(() => undefined);
    setSessionNotice('signed_out');
    endSession(queryClient);
    void navigate('/signin', { replace: true });
  };
  return { signOut, signingOut };
}
