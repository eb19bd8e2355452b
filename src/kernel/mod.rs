//! The kernel data path: PPPoL2TP sockets, `/dev/ppp` channel and unit fds,
//! and the ioctls that join them. The only module of rppp with `unsafe` code.
