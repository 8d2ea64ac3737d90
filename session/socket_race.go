//go:build race

package session

// raceEnabled: built with -race (socket_linux.go tells the race detector
// what package syscall would).
const raceEnabled = true
