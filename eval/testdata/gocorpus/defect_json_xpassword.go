// Issue 9 defect: encoding/json must not marshal unexported fields (yaegi showed "Xpassword").
package main

import (
	"encoding/json"
	"fmt"
)

type User struct {
	Name     string
	Email    string `json:"email"`
	password string
	age      int
}

func main() {
	u := User{Name: "ann", Email: "a@x.io", password: "s3cret", age: 40}
	b, err := json.Marshal(u)
	fmt.Println(string(b), err)
	b, _ = json.Marshal([]User{u, {Name: "bob"}})
	fmt.Println(string(b))
	var back User
	json.Unmarshal([]byte(`{"Name":"c","password":"p","age":3}`), &back)
	fmt.Printf("%q %q %d\n", back.Name, back.password, back.age)
}
