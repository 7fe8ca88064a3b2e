check corpus/demo
