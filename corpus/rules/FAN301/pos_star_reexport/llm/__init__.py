from .base import *
from .remote import *
