//! (in progress: see the next commits)
