// Method values and method expressions.
package main

import (
	"fmt"
	"sort"
)

type Temp float64

func (t Temp) Fahrenheit() float64 { return float64(t)*9/5 + 32 }

type Account struct {
	Owner   string
	Balance int
}

func (a *Account) Deposit(n int)  { a.Balance += n }
func (a Account) Summary() string { return fmt.Sprintf("%s: %d", a.Owner, a.Balance) }

func apply(f func(int), xs ...int) {
	for _, x := range xs {
		f(x)
	}
}

func main() {
	t := Temp(100)
	f := t.Fahrenheit // method value binds t
	t = 0
	fmt.Println(f(), t.Fahrenheit())

	acct := &Account{Owner: "ann"}
	apply(acct.Deposit, 10, 20, 30)
	fmt.Println(acct.Summary())

	summary := Account.Summary // method expression
	deposit := (*Account).Deposit
	deposit(acct, 5)
	fmt.Println(summary(*acct))

	accounts := []Account{{"bob", 3}, {"amy", 9}, {"cal", 1}}
	sort.Slice(accounts, func(i, j int) bool { return accounts[i].Balance > accounts[j].Balance })
	var lines []func() string
	for i := range accounts {
		lines = append(lines, accounts[i].Summary)
	}
	for _, l := range lines {
		fmt.Println(l())
	}
	fmt.Printf("%T\n", summary)
}
