// Prints a free TCP port on 127.0.0.1.
const s = require('net').createServer();
s.listen(0, '127.0.0.1', () => {
  console.log(s.address().port);
  s.close();
});
