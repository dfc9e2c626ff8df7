// Preloaded (node --import) before a printed Express app, which ends in a hard-coded
// app.listen(3000): every app.listen(...) goes to 127.0.0.1:$PORT instead, so the printed file
// runs unchanged. Express copies `application` into each app it creates, so patching it first works.
import express from 'express';

const listen = express.application.listen;
express.application.listen = function listenOnTestPort(...args) {
  const callback = args.find((a) => typeof a === 'function');
  return listen.call(this, Number(process.env.PORT), '127.0.0.1', () => {
    console.log(`listening on 127.0.0.1:${process.env.PORT}`);
    callback?.();
  });
};
