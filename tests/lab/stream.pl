#!/usr/bin/perl
# Prints a lab VM's scenario output while the guest writes it (run-vm.sh
# runs this next to QEMU).
#
# usage: stream.pl OUT_FILE DONE_FILE GROUP
#   OUT_FILE   the file QEMU writes the guest's second serial port to
#   DONE_FILE  created by run-vm.sh once QEMU has exited: the rest of
#              OUT_FILE is printed, then this ends
#   GROUP      the scenario group's name, for the heartbeat
#
# Complete lines go to stdout as they come, without carriage returns and
# without the runner's own LAB_BOOTED/LAB_EXIT/LAB_ARTIFACT lines (run-vm.sh
# reads those from the file). After QUIET seconds with no new line, a
# heartbeat on stderr says how long the group has run and its last CHECK
# (or last line), so a long silent stretch does not look like a hang.
use strict;
use warnings;

my ($out, $done, $group) = @ARGV;
die "usage: stream.pl OUT_FILE DONE_FILE GROUP\n" unless defined $group;
my $QUIET = 20;
$| = 1;
open(my $fh, '<', $out) or die "stream.pl: $out: $!\n";
my $start = time;
my $last_output = $start;
my $last_check = '';
my $last_line = '';
my $buf = '';
while (1) {
    # Decided before reading, so the read after QEMU's exit gets it all.
    my $finished = -e $done || !-e $out || getppid() == 1;
    while (sysread($fh, my $chunk, 65536)) {
        $buf .= $chunk;
    }
    while ($buf =~ s/\A([^\n]*)\n//) {
        my $line = $1;
        $line =~ tr/\r//d;
        next if $line =~ /^(?:LAB_BOOTED|LAB_EXIT=|LAB_ARTIFACT )/;
        print "$line\n";
        $last_output = time;
        $last_line = $line;
        $last_check = $line if $line =~ /^CHECK /;
    }
    last if $finished;
    if (time - $last_output >= $QUIET) {
        my $ran = time - $start;
        my $seen = $last_check ne '' ? $last_check : $last_line;
        my $last = $seen eq '' ? 'no output yet (booting)' : "last: $seen";
        print STDERR "run-vm: $group: ${ran}s, still running; $last\n";
        $last_output = time;
    }
    select(undef, undef, undef, 0.5);
}
$buf =~ tr/\r//d;
print "$buf\n" if length $buf && $buf !~ /^(?:LAB_BOOTED|LAB_EXIT=|LAB_ARTIFACT )/;
