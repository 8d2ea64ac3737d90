// A small domain model: accounts, transfers with validation errors, a ledger report.
package main

import (
	"errors"
	"fmt"
	"sort"
)

var ErrInsufficient = errors.New("insufficient funds")

type Account struct {
	ID      string
	Balance int
	History []string
}

type Bank struct {
	accounts map[string]*Account
}

func NewBank() *Bank { return &Bank{accounts: make(map[string]*Account)} }

func (b *Bank) Open(id string, initial int) *Account {
	a := &Account{ID: id, Balance: initial}
	b.accounts[id] = a
	return a
}

type TransferError struct {
	From, To string
	Amount   int
	Err      error
}

func (e *TransferError) Error() string {
	return fmt.Sprintf("transfer %d from %s to %s: %v", e.Amount, e.From, e.To, e.Err)
}
func (e *TransferError) Unwrap() error { return e.Err }

func (b *Bank) Transfer(from, to string, amt int) error {
	src, ok := b.accounts[from]
	if !ok {
		return &TransferError{from, to, amt, fmt.Errorf("no account %q", from)}
	}
	dst, ok := b.accounts[to]
	if !ok {
		return &TransferError{from, to, amt, fmt.Errorf("no account %q", to)}
	}
	if src.Balance < amt {
		return &TransferError{from, to, amt, ErrInsufficient}
	}
	src.Balance -= amt
	dst.Balance += amt
	src.History = append(src.History, fmt.Sprintf("-%d to %s", amt, to))
	dst.History = append(dst.History, fmt.Sprintf("+%d from %s", amt, from))
	return nil
}

func main() {
	bank := NewBank()
	bank.Open("alice", 100)
	bank.Open("bob", 50)
	bank.Open("carol", 0)
	ops := []struct {
		from, to string
		amt      int
	}{{"alice", "bob", 30}, {"bob", "carol", 100}, {"bob", "carol", 80}, {"dave", "bob", 1}, {"carol", "alice", 40}}
	for _, op := range ops {
		if err := bank.Transfer(op.from, op.to, op.amt); err != nil {
			fmt.Println("error:", err, "| insufficient:", errors.Is(err, ErrInsufficient))
		}
	}
	ids := make([]string, 0)
	for id := range bank.accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	total := 0
	for _, id := range ids {
		a := bank.accounts[id]
		total += a.Balance
		fmt.Printf("%-6s %4d %v\n", a.ID, a.Balance, a.History)
	}
	fmt.Println("total", total)
}
