// Preloaded into the bot process by the secrets test: SIGUSR2 makes it crash the way a bug would, with an
// uncaught exception whose message and properties carry the token and the webhook secret.
process.on('SIGUSR2', () => {
  const error = new Error(`simulated bug while calling /bot${process.env.BOT_TOKEN}/getMe`);
  error.config = { token: process.env.BOT_TOKEN, secret: process.env.WEBHOOK_SECRET };
  throw error;
});
