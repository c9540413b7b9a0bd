/// The model's JSON form is DesksideJSON's: users of the model get the coder with it.
@_exported import DesksideJSON
