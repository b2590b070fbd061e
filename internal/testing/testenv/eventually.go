package testenv

import "time"

// Eventually calls ok every interval until it holds or timeout has passed,
// and reports whether it held: the controller and the apiserver converge
// asynchronously, and callers decide how to fail.
func Eventually(timeout, interval time.Duration, ok func() bool) bool {
	for deadline := time.Now().Add(timeout); !ok(); time.Sleep(interval) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}
