"""PyMySQL, the blocking driver of section 7 (线程池异步): the keyword arguments of
pymysql.connect() for one of the pair's servers, from its mysql:// URL. The app's /report runs
it in the thread pool; test_app.py and bench/databases.py connect with it too.
"""
from workbook import services


def pymysql_params(url: str) -> dict:
    params = services.mysql_params(url)
    params["database"] = params.pop("db")  # PyMySQL's name for it now
    return params
