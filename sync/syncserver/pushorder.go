package syncserver

import (
	"context"
	"sync/atomic"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// orderedStore is a store that tells whether a device's mutation has been
// answered: with it the handler applies a pipelined push (one that names
// PushRequest.After) only after the batch before it, and says so
// (PushResponse.Ordered).
type orderedStore interface {
	MutationAnswered(ctx context.Context, deviceID, id string) (bool, error)
}

// preparingStore is a store that can do the part of ApplyPush that reads
// nothing the batches before write (validating new records on every core)
// apart from the rest: the handler prepares a pipelined push before it
// waits for the batch before it, so the two overlap (serverstore).
type preparingStore interface {
	PreparePush(deviceID string, req syncproto.PushRequest) (func(context.Context) ([]syncproto.PushResult, error), error)
}

// afterWait bounds how long a pipelined push waits for the batch before
// it: that batch is being applied (a few seconds at most on loopback; its
// body may still be crossing a 2G link).
const afterWait = 2 * time.Minute

// msgOutOfOrder answers a push that waited for a batch that never came
// (lost on the way, or refused whole); the device sends again, one batch
// at a time.
const msgOutOfOrder = "Lô thay đổi gửi trước chưa đến máy chủ; thiết bị sẽ gửi lại theo thứ tự."

// waiting counts the pushes waiting for the batch before them (tests).
var waiting atomic.Int64

// waitAnswered waits until the mutation id of device is answered, polling
// the store (a few milliseconds apart, growing), until ctx ends (the
// device gave up: it cancels a push behind one that failed) or afterWait.
// The wait is on the handler's clock-free timers: it measures nothing.
func waitAnswered(ctx context.Context, st orderedStore, device, id string) error {
	waiting.Add(1)
	defer waiting.Add(-1)
	ctx, cancel := context.WithTimeout(ctx, afterWait)
	defer cancel()
	pause := 2 * time.Millisecond
	for {
		ok, err := st.MutationAnswered(ctx, device, id)
		if err == nil && ok {
			return nil
		}
		if ctx.Err() != nil {
			return app.WrapError(app.ECONFLICT, msgOutOfOrder, ctx.Err())
		}
		if err != nil {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}
