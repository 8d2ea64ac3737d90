package cmdline

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Log holds the logging flags that dpfw and slave share: -log-level,
// -log-format and -v (short for -log-level debug).
type Log struct {
	level   string
	format  string
	verbose bool
}

// LogFlags registers the logging flags on fs; def is the level without
// them ("info", "warn").
func LogFlags(fs *flag.FlagSet, def string) *Log {
	l := &Log{}
	fs.StringVar(&l.level, "log-level", def, "log `LEVEL`: debug, info, warn or error ("+def+")")
	fs.StringVar(&l.format, "log-format", "text", "log `FORMAT`: text or json (text)")
	fs.BoolVar(&l.verbose, "v", false, "log everything (-log-level debug)")
	return l
}

// Check reports a level or format that is not one of the choices.
func (l *Log) Check() error {
	if _, err := l.parseLevel(); err != nil {
		return err
	}
	if l.format != "text" && l.format != "json" {
		return fmt.Errorf("-log-format %q: want text or json", l.format)
	}
	return nil
}

// Verbose reports whether -v or -log-level debug was given.
func (l *Log) Verbose() bool {
	lv, _ := l.parseLevel()
	return lv <= slog.LevelDebug
}

func (l *Log) parseLevel() (slog.Level, error) {
	if l.verbose {
		return slog.LevelDebug, nil
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(l.level))); err != nil {
		return 0, fmt.Errorf("-log-level %q: want debug, info, warn or error", l.level)
	}
	return lv, nil
}

// Logger returns a logger writing to w as the flags say. Call Check
// first: an invalid level here means info.
func (l *Log) Logger(w io.Writer) *slog.Logger {
	lv, err := l.parseLevel()
	if err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if l.format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Env passes the flags on to a child process (LogFromEnv reads them).
func (l *Log) Env() []string {
	lv, _ := l.parseLevel()
	return []string{"DPFW_LOG_LEVEL=" + lv.String(), "DPFW_LOG_FORMAT=" + l.format}
}

// LogFromEnv is the logging of a child process that a parent's Env set
// up, at level def when it did not.
func LogFromEnv(getenv func(string) string, def string) *Log {
	l := &Log{level: getenv("DPFW_LOG_LEVEL"), format: getenv("DPFW_LOG_FORMAT")}
	if l.level == "" {
		l.level = def
	}
	if l.format == "" {
		l.format = "text"
	}
	return l
}
