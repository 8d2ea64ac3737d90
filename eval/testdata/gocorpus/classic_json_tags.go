// encoding/json with struct tags: renaming, omitempty, "-", string option, nested structs.
package main

import (
	"encoding/json"
	"fmt"
)

type Address struct {
	Street string `json:"street"`
	City   string `json:"city,omitempty"`
}

type User struct {
	ID       int      `json:"id"`
	Name     string   `json:"name"`
	Email    string   `json:"email,omitempty"`
	Password string   `json:"-"`
	Age      int      `json:"age,string"`
	Tags     []string `json:"tags"`
	Address  *Address `json:"address,omitempty"`
	Admin    bool
}

func main() {
	u := User{ID: 1, Name: "Ann", Password: "secret", Age: 30, Tags: []string{"a", "b"}}
	b, err := json.Marshal(u)
	fmt.Println(string(b), err)

	u.Address = &Address{Street: "Main St"}
	u.Email = "ann@example.com"
	b, _ = json.MarshalIndent(u, "", "  ")
	fmt.Println(string(b))

	var back User
	err = json.Unmarshal([]byte(`{"id":7,"name":"Bo","age":"41","tags":null,"Admin":true,"address":{"street":"X","city":"Y"},"password":"p"}`), &back)
	fmt.Println(err)
	fmt.Printf("%+v %+v\n", back.Address, back.Password == "")
	fmt.Println(back.ID, back.Name, back.Age, back.Tags == nil, back.Admin)
}
