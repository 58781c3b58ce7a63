;; An infinite loop in the start function: instantiation must trap `out of fuel`.
(module
  (func $start (loop $l (br $l)))
  (start $start))
