package bot

import (
	"errors"
	"fmt"
)

// The texts users see when something goes wrong on the bot's side.
const (
	msgSorry        = "Sorry, something went wrong on my side. Please try again in a moment."
	msgShuttingDown = "I'm restarting right now. Please ask again in a minute."
)

// Error is an error with a message for the user who caused it. Handlers
// return one to refuse politely ([Refuse]: the input is too long, the user
// may not do that…) or to explain a failure ([Explain]), and the bot shows
// Message and logs the rest; see [ErrorMessage].
type Error struct {
	// Message is what the user sees: short, friendly, without internals.
	Message string
	// Err is the failure behind Message, logged in full; nil for a refusal,
	// which is not logged as a failure.
	Err error
	// limited marks a refusal for asking too fast ([RateLimited]).
	limited bool
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Refuse returns an error that shows msg to the user and is no failure.
func Refuse(msg string) error { return &Error{Message: msg} }

// Refusef is [Refuse] with a format.
func Refusef(format string, args ...any) error { return Refuse(fmt.Sprintf(format, args...)) }

// RateLimited returns a refusal, showing msg, of someone who asks too
// fast: a [Refuse] that the bot's metrics count apart.
func RateLimited(msg string) error { return &Error{Message: msg, limited: true} }

// RateLimitedf is [RateLimited] with a format.
func RateLimitedf(format string, args ...any) error { return RateLimited(fmt.Sprintf(format, args...)) }

// Explain returns err, to be logged, with msg to show the user instead of
// the default apology.
func Explain(msg string, err error) error { return &Error{Message: msg, Err: err} }

// ErrorMessage is the one rule for what a user sees of an error: the
// Message of an [*Error] in err's chain, and a short apology for anything
// else, whose details are for the log only.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return msgSorry
}

// isRateLimited reports whether err refuses someone who asks too fast.
func isRateLimited(err error) bool {
	e, ok := errors.AsType[*Error](err)
	return ok && e.limited
}

// isRefusal reports whether err only refuses, with nothing to log.
func isRefusal(err error) bool {
	e, ok := errors.AsType[*Error](err)
	return ok && e.Err == nil
}
