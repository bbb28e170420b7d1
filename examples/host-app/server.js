// Runs the example: `npm start`, then open http://127.0.0.1:4000/login (ada / ada-secret).
import { createHostApp } from './app.js';

const { app, close } = await createHostApp({ dataDir: process.env.ENVOI_DATA_DIR ?? './data' });
const server = app.listen(Number(process.env.PORT ?? 4000), '127.0.0.1', () => console.log(`host app on http://127.0.0.1:${server.address().port}/login`));
process.on('SIGTERM', () => server.close(() => close()));
